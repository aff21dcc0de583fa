/** Server-Sent Events frames for the OpenAI side: `data:` lines only, no `event:` names. */

const encoder = new TextEncoder();

/** One `data: <json>\n\n` frame as text (JSON.stringify escapes newlines, so the frame is always one line). */
export function dataFrame(json: unknown): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

/** One `data: <json>\n\n` frame as bytes. */
export function encodeData(json: unknown): Uint8Array {
  return encoder.encode(dataFrame(json));
}

/** The OpenAI end-of-stream sentinel. */
export const DONE_TEXT = "data: [DONE]\n\n";
export const DONE_FRAME: Uint8Array = encoder.encode(DONE_TEXT);

/** A comment frame that keeps idle proxies and load balancers from closing a quiet stream. */
export const KEEPALIVE_FRAME: Uint8Array = encoder.encode(": keep-alive\n\n");
