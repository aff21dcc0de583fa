/**
 * JSON text of streamed chunks, faster than JSON.stringify on the hot path: every chunk of one stream
 * shares `id`, `object`, `created` and `model`, so that head is serialized once per stream and each chunk
 * only serializes its delta and finish_reason. The output is the same text JSON.stringify gives for the
 * chunks the stream translator builds (same keys, same order); anything else falls back to JSON.stringify.
 * The deltas every stream has (the role chunk's, the finish chunk's empty one) are shared frozen objects
 * whose text is known, and the usage chunk serializes only its usage.
 */
import type { ChatCompletionChunk, ChunkDelta } from "../../wire/openai.ts";

/** A chunk serializer, plus the fast path for a plain text chunk whose content is already JSON. */
export interface ChunkSerializer {
  /** The JSON text of a chunk (JSON.stringify's text). */
  chunk(c: ChatCompletionChunk): string;
  /**
   * The JSON text of `{id, object, created, model, choices:[{index:0, delta:{content}, logprobs:null,
   * finish_reason:null}], usage:null}` where `literal` is the content as a JSON string literal (written as is).
   */
  content(id: string, created: number, model: string, literal: string): string;
  /** The text before the literal in content(): `contentHead(…) + literal + CONTENT_CHUNK_TAIL` = content(…, literal). */
  contentHead(id: string, created: number, model: string): string;
  /**
   * The JSON text of the chunk whose delta is `{tool_calls:[{index: toolIndex, function:{arguments}}]}`,
   * `literal` being the arguments as a JSON string literal: `toolArgsHead(…) + toolIndex + TOOL_ARGS_MID +
   * literal + TOOL_ARGS_TAIL`.
   */
  toolArgs(id: string, created: number, model: string, toolIndex: number, literal: string): string;
  toolArgsHead(id: string, created: number, model: string): string;
  /** As contentHead, for a `{reasoning_content}` chunk (the same tail follows the literal). */
  reasoningHead(id: string, created: number, model: string): string;
}

/** The text after the literal of a plain content chunk. */
export const CONTENT_CHUNK_TAIL = '},"logprobs":null,"finish_reason":null}],"usage":null}';
/** Between the tool call index and the arguments literal of a tool-arguments chunk. */
export const TOOL_ARGS_MID = ',"function":{"arguments":';
/** The text after the arguments literal of a tool-arguments chunk. */
export const TOOL_ARGS_TAIL = `}}]${CONTENT_CHUNK_TAIL}`;

/** The role chunk's delta (every stream's first chunk); frozen because every stream shares it. */
export const ROLE_DELTA: ChunkDelta = Object.freeze({ role: "assistant", content: "" });
/** The finish chunk's delta. */
export const EMPTY_DELTA: ChunkDelta = Object.freeze({});
const ROLE_DELTA_JSON = JSON.stringify(ROLE_DELTA);

/** Serializes the chunks of one stream (keeps the last head; create one per stream). */
export function createChunkSerializer(): ChunkSerializer {
  let id: string | undefined;
  let model: string | undefined;
  let created: number | undefined;
  /** Everything before the choices array's `[`. */
  let base = "";
  let head = "";
  const headFor = (i: string, c: number, m: string): string => {
    if (i !== id || m !== model || c !== created) {
      id = i;
      model = m;
      created = c;
      base = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"choices":`;
      head = `${base}[{"index":`;
    }
    return head;
  };
  const serialize = (c: ChatCompletionChunk): string => {
    const choices = c.choices;
    if (choices.length === 0 && isUsageChunk(c)) {
      headFor(c.id, c.created, c.model);
      return `${base}[],"usage":${JSON.stringify(c.usage)}}`;
    }
    const x = choices.length === 1 ? choices[0]! : undefined;
    if (!x || !isPlainChunk(c, x)) return JSON.stringify(c);
    const fr = x.finish_reason === null ? "null" : JSON.stringify(x.finish_reason);
    const d = x.delta;
    const delta = d === ROLE_DELTA ? ROLE_DELTA_JSON : d === EMPTY_DELTA ? "{}" : JSON.stringify(d);
    return `${headFor(c.id, c.created, c.model)}${x.index},"delta":${delta},"logprobs":null,"finish_reason":${fr}}],"usage":null}`;
  };
  const contentHead = (i: string, c: number, m: string): string => `${headFor(i, c, m)}0,"delta":{"content":`;
  const toolArgsHead = (i: string, c: number, m: string): string => `${headFor(i, c, m)}0,"delta":{"tool_calls":[{"index":`;
  // A plain object: made once per stream, and Object.assign onto a function cost ≈ 0.4 µs each time.
  return {
    chunk: serialize,
    content: (i: string, c: number, m: string, literal: string): string => contentHead(i, c, m) + literal + CONTENT_CHUNK_TAIL,
    contentHead,
    toolArgs: (i: string, c: number, m: string, k: number, literal: string): string => `${toolArgsHead(i, c, m)}${k}${TOOL_ARGS_MID}${literal}${TOOL_ARGS_TAIL}`,
    toolArgsHead,
    reasoningHead: (i: string, c: number, m: string): string => `${headFor(i, c, m)}0,"delta":{"reasoning_content":`,
  };
}

type Choice = ChatCompletionChunk["choices"][number];

const CHUNK_KEYS = ["id", "object", "created", "model", "choices", "usage"];
const CHOICE_KEYS = ["index", "delta", "logprobs", "finish_reason"];

/** Exactly the keys, in this order, and value types the stream translator's chunks have, so the template is exact. */
function isPlainChunk(c: ChatCompletionChunk, x: Choice): boolean {
  return (
    c.usage === null &&
    hasHead(c) &&
    Number.isInteger(x.index) &&
    x.logprobs === null &&
    typeof x.delta === "object" &&
    x.delta !== null &&
    (x.finish_reason === null || typeof x.finish_reason === "string") &&
    keysAre(x, CHOICE_KEYS)
  );
}

/** The usage chunk (`choices: []`, a usage object) with the same head and key order. */
function isUsageChunk(c: ChatCompletionChunk): boolean {
  return typeof c.usage === "object" && c.usage !== null && hasHead(c);
}

function hasHead(c: ChatCompletionChunk): boolean {
  return c.object === "chat.completion.chunk" && typeof c.id === "string" && typeof c.model === "string" && Number.isFinite(c.created) && keysAre(c, CHUNK_KEYS);
}

function keysAre(o: object, keys: readonly string[]): boolean {
  const k = Object.keys(o);
  if (k.length !== keys.length) return false;
  for (let i = 0; i < k.length; i++) if (k[i] !== keys[i]) return false;
  return true;
}
