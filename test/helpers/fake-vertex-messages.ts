/**
 * Building blocks of the fake Vertex upstream (re-exported by fake-vertex.ts): the deterministic default
 * reply, Message → Vertex-flavoured SSE, and Google/Anthropic error bodies exactly as Vertex sends them.
 */
import type { Message, ResponseContentBlock } from "../../src/wire/anthropic.ts";

/** A scripted reply; see fake-vertex.ts for how each variant is sent. */
export type FakeReply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
  | { message: Partial<Message>; delayMs?: number; headers?: Record<string, string> }
  | { sse: (string | Uint8Array)[]; delayMs?: number; reset?: false; stall?: false }
  | { sse: (string | Uint8Array)[]; reset: true; delayMs?: number }
  | { sse: (string | Uint8Array)[]; stall: true; delayMs?: number }
  | { sse: (string | Uint8Array)[]; paced: true; delayMs?: undefined };

// ---------------------------------------------------------------- SSE framing

const PADS = [10, 3, 7, 1, 12, 5, 0, 8];
let padIndex = 0;

/** One SSE event as Vertex frames it: `event:` line, `data:` line with trailing-space padding, blank line. */
export function sseEvent(name: string, data: unknown, pad?: number): string {
  const spaces = pad ?? PADS[padIndex++ % PADS.length]!;
  return `event: ${name}\ndata: ${JSON.stringify(data)}${" ".repeat(spaces)}\n\n`;
}

/** Vertex's ping frame (note the spaces inside the JSON). */
export const SSE_PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/** A mid-stream `event: error` in Vertex's form (`details: null`, padded). */
export function sseError(type = "overloaded_error", message = "Overloaded"): string {
  return `event: error\ndata: ${JSON.stringify({ type: "error", error: { details: null, type, message } })} \n\n`;
}

/** Splits a string into `parts` pieces on code-point boundaries (never inside a surrogate pair). */
function split(s: string, size: number): string[] {
  const cps = Array.from(s);
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += size) out.push(cps.slice(i, i + size).join(""));
  return out;
}

/**
 * A Message as the SSE events :streamRawPredict sends: message_start, ping, vertex_event, per block
 * start/deltas/stop (text in small pieces; tool JSON as "" then ≥3 partial_json pieces; thinking then
 * signature_delta), message_delta (cumulative usage), message_stop.
 */
export function messageToSSE(msg: Message): string[] {
  const u = msg.usage;
  const startUsage = {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    output_tokens: 1,
  };
  const out: string[] = [
    sseEvent("message_start", {
      type: "message_start",
      message: { ...msg, content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
    }),
    SSE_PING,
    sseEvent("vertex_event", {
      type: "vertex_event",
      usage: { ...startUsage, cache_creation_input_tokens: null, cache_read_input_tokens: null, web_search_requests: null },
    }),
  ];
  msg.content.forEach((block, index) => out.push(...blockToSSE(block, index)));
  out.push(
    sseEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason: msg.stop_reason, stop_sequence: msg.stop_sequence },
      usage: { output_tokens: u.output_tokens },
    }),
    sseEvent("message_stop", { type: "message_stop" }),
  );
  return out;
}

function blockToSSE(block: ResponseContentBlock, index: number): string[] {
  const delta = (d: unknown) => sseEvent("content_block_delta", { type: "content_block_delta", index, delta: d });
  const start = (b: unknown) => sseEvent("content_block_start", { type: "content_block_start", index, content_block: b });
  const stop = sseEvent("content_block_stop", { type: "content_block_stop", index });
  const b = block as Record<string, unknown>;
  if (b.type === "text") {
    return [start({ type: "text", text: "" }), ...split(String(b.text), 8).map((t) => delta({ type: "text_delta", text: t })), stop];
  }
  if (b.type === "tool_use") {
    const json = JSON.stringify(b.input ?? {});
    const pieces = split(json, Math.max(1, Math.ceil(Array.from(json).length / 3)));
    return [
      start({ type: "tool_use", id: b.id, name: b.name, input: {} }),
      delta({ type: "input_json_delta", partial_json: "" }),
      ...pieces.map((p) => delta({ type: "input_json_delta", partial_json: p })),
      stop,
    ];
  }
  if (b.type === "thinking") {
    return [
      start({ type: "thinking", thinking: "", signature: "" }),
      ...split(String(b.thinking), 16).map((t) => delta({ type: "thinking_delta", thinking: t })),
      delta({ type: "signature_delta", signature: b.signature }),
      stop,
    ];
  }
  return [start(block), stop]; // redacted_thinking and unknown blocks arrive whole
}

// ---------------------------------------------------------------- errors

/** Google `google.rpc.Status` error object. */
export function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}

/**
 * A Google-shaped error reply: the plain object (rawPredict) or, with `array`, the pretty-printed
 * one-element array :streamRawPredict sends. No Retry-After, like Vertex.
 */
export function googleErrorReply(code: number, status: string, message: string, opts: { array?: boolean } = {}): FakeReply {
  const headers = { "content-type": "application/json; charset=UTF-8" };
  if (!opts.array) return { status: code, json: googleError(code, status, message), headers };
  const pretty = JSON.stringify(googleError(code, status, message), null, 2);
  return { status: code, text: `[${pretty}\n]`, headers };
}

export const QUOTA_MESSAGE =
  "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: " +
  "anthropic-claude-sonnet-4-5. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.";

/** Vertex's quota 429 (object form, or the stream endpoint's array form). */
export function quotaExceeded(opts: { array?: boolean } = {}): FakeReply {
  return googleErrorReply(429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE, opts);
}

/** Vertex's 401 for a missing/invalid bearer. */
export function unauthenticated(opts: { array?: boolean } = {}): FakeReply {
  return googleErrorReply(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    opts,
  );
}

/** An Anthropic-shaped error body (`details: null` as Vertex adds it, plus a req_vrtx_ id). */
export function anthropicError(type: string, message: string) {
  return { type: "error", error: { details: null, type, message }, request_id: "req_vrtx_011CFakeRequestId0000001" };
}

/** An Anthropic-shaped error reply with the given status. */
export function anthropicErrorReply(status: number, type: string, message: string): FakeReply {
  return { status, json: anthropicError(type, message), headers: { "content-type": "application/json" } };
}

/** 529 overloaded_error, `details: null`. */
export const overloaded529 = (): FakeReply => anthropicErrorReply(529, "overloaded_error", "Overloaded");
/** 500 api_error. */
export const apiError500 = (): FakeReply => anthropicErrorReply(500, "api_error", "Internal server error");
/** 400 invalid_request_error with `message`. */
export const invalidRequest = (message: string): FakeReply => anthropicErrorReply(400, "invalid_request_error", message);
