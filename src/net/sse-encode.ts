/** Server-Sent Events frames for the OpenAI side: `data:` lines only, no `event:` names. */

const encoder = new TextEncoder();

/** One `data: <json>\n\n` frame (JSON.stringify escapes newlines, so the frame is always one line). */
export function encodeData(json: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(json)}\n\n`);
}

/** The OpenAI end-of-stream sentinel. */
export const DONE_FRAME: Uint8Array = encoder.encode("data: [DONE]\n\n");

/** A comment frame that keeps idle proxies and load balancers from closing a quiet stream. */
export const KEEPALIVE_FRAME: Uint8Array = encoder.encode(": keep-alive\n\n");
