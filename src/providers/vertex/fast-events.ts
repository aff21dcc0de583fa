/**
 * Byte-level fast path for the commonest Vertex stream payloads, skipping JSON.parse. Works on a range
 * of a larger string (the stream's buffered text), so the payload itself is never cut out:
 * - a text delta exactly as Anthropic/Vertex write it,
 *   `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}` (Vertex's padding
 *   spaces allowed before each closing brace and at the end): only the raw JSON string literal of the text
 *   is cut out, so the server can write it into the client's chunk without a parse/serialize round trip
 *   (a JSON string literal from the upstream is a valid JSON string literal in our output);
 * - a tool call's argument piece in the same form, `…"delta":{"type":"input_json_delta","partial_json":"…"}}`
 *   (agents stream long arguments, e.g. whole files, as hundreds of these), and a thinking piece,
 *   `…"delta":{"type":"thinking_delta","thinking":"…"}}` (extended thinking streams thousands);
 * - `ping` (`{"type": "ping"}`, with or without the space, padded);
 * - the events around a text block, which every answer has: `{"type":"content_block_start","index":N,
 *   "content_block":{"type":"text","text":""}}`, `{"type":"content_block_stop","index":N}` and
 *   `{"type":"message_stop"}` (padded), decoded without JSON.parse (three of the five parses of a plain answer).
 * Anything else (other key order, extra keys, other whitespace, an invalid literal) is not matched and
 * takes the normal JSON.parse path, so the result is always what JSON.parse would have given.
 */
import type { StreamEvent } from "../../wire/anthropic.ts";
import { literalDeltaEvent } from "../../wire/json-literal.ts";

const DELTA_PREFIX = '{"type":"content_block_delta","index":';
const TEXT_KEY = ',"delta":{"type":"text_delta","text":"';
const ARGS_KEY = ',"delta":{"type":"input_json_delta","partial_json":"';
const THINKING_KEY = ',"delta":{"type":"thinking_delta","thinking":"';
const PING_SPACED = '{"type": "ping"}';
const PING_TIGHT = '{"type":"ping"}';
/** The one ping event (pings carry nothing, so all of them can share it). */
export const PING: StreamEvent = Object.freeze({ type: "ping" as const });

/** Receives a matched delta: its content block index and the text as the upstream's JSON literal. */
export type DeltaHandler = (index: number, literal: string) => void;

/** Where matched deltas go, by kind. */
export interface DeltaHandlers {
  text: DeltaHandler;
  args: DeltaHandler;
  thinking: DeltaHandler;
}

/**
 * When `s[start, end)` is a text, tool-argument or thinking delta in the exact form, hands (index, literal)
 * to the handler of its kind and returns true; otherwise returns false and calls nothing.
 */
export function matchDelta(s: string, start: number, end: number, to: DeltaHandlers): boolean {
  if (!s.startsWith(DELTA_PREFIX, start)) return false;
  const index = indexAt(s, start + DELTA_PREFIX.length);
  if (index < 0) return false;
  const i = indexEnd;
  let open: number;
  let kind: 0 | 1 | 2;
  if (s.startsWith(TEXT_KEY, i)) {
    open = i + TEXT_KEY.length - 1;
    kind = 0;
  } else if (s.startsWith(ARGS_KEY, i)) {
    open = i + ARGS_KEY.length - 1;
    kind = 1;
  } else if (s.startsWith(THINKING_KEY, i)) {
    open = i + THINKING_KEY.length - 1;
    kind = 2;
  } else return false;
  const close = literalEnd(s, open, end);
  if (close < 0) return false;
  if (!closes(s, close + 1, end, 2)) return false;
  const literal = s.slice(open, close + 1);
  if (kind === 0) to.text(index, literal);
  else if (kind === 1) to.args(index, literal);
  else to.thinking(index, literal);
  return true;
}

/** True when `s[start, end)` is a ping in the exact form (padded or not). */
export function isPing(s: string, start: number, end: number): boolean {
  if (s.startsWith(PING_SPACED, start)) return start + PING_SPACED.length <= end && onlySpaces(s, start + PING_SPACED.length, end);
  if (s.startsWith(PING_TIGHT, start)) return start + PING_TIGHT.length <= end && onlySpaces(s, start + PING_TIGHT.length, end);
  return false;
}

const START_PREFIX = '{"type":"content_block_start","index":';
const TEXT_BLOCK = ',"content_block":{"type":"text","text":""';
const STOP_PREFIX = '{"type":"content_block_stop","index":';
const MESSAGE_STOP = '{"type":"message_stop"';
/** The one message_stop event (it carries nothing). */
const MESSAGE_STOP_EVENT: StreamEvent = Object.freeze({ type: "message_stop" as const });

/**
 * The event at `s[start, end)` when it is a text block's start, a block's stop or message_stop in the
 * exact form (padding spaces allowed before each closing brace and at the end), else undefined.
 */
export function blockEventAt(s: string, start: number, end: number): StreamEvent | undefined {
  if (s.startsWith(STOP_PREFIX, start)) {
    const index = indexAt(s, start + STOP_PREFIX.length);
    return index >= 0 && closes(s, indexEnd, end, 1) ? { type: "content_block_stop", index } : undefined;
  }
  if (s.startsWith(START_PREFIX, start)) {
    const index = indexAt(s, start + START_PREFIX.length);
    if (index < 0 || !s.startsWith(TEXT_BLOCK, indexEnd) || !closes(s, indexEnd + TEXT_BLOCK.length, end, 2)) return undefined;
    return { type: "content_block_start", index, content_block: { type: "text", text: "" } };
  }
  return s.startsWith(MESSAGE_STOP, start) && closes(s, start + MESSAGE_STOP.length, end, 1) ? MESSAGE_STOP_EVENT : undefined;
}

/** Where the integer read by the last indexAt() ended. */
let indexEnd = 0;
/**
 * The content block index at `i`: a plain JSON integer without leading zeros, at most 9 digits; -1 for
 * anything else (the slow path). Sets indexEnd.
 */
function indexAt(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c === 48 /* 0 */) {
    indexEnd = i + 1;
    return 0;
  }
  let index = 0;
  const first = i;
  while (c >= 48 && c <= 57 && i - first < 9) {
    index = index * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  indexEnd = i;
  return i === first ? -1 : index;
}

/** True when `s[from, end)` is `n` closing braces, each after optional spaces, then only spaces. */
function closes(s: string, from: number, end: number, n: number): boolean {
  let j = from;
  for (let k = 0; k < n; k++) {
    while (j < end && s.charCodeAt(j) === 32) j++;
    if (j >= end || s.charCodeAt(j) !== 125 /* } */) return false;
    j++;
  }
  return onlySpaces(s, j, end);
}

let matched: StreamEvent | undefined;
const toEvent: DeltaHandlers = {
  text: (index, literal) => void (matched = literalDeltaEvent("text", index, literal)),
  args: (index, literal) => void (matched = literalDeltaEvent("args", index, literal)),
  thinking: (index, literal) => void (matched = literalDeltaEvent("thinking", index, literal)),
};

/** The event object of a delta in the exact form at `s[start, end)` (`delta.json` keeps its literal), else undefined. */
export function deltaEventAt(s: string, start: number, end: number): StreamEvent | undefined {
  matched = undefined;
  return matchDelta(s, start, end, toEvent) ? matched : undefined;
}

/** One whole payload: the StreamEvent for any of the forms above, else undefined (use JSON.parse). */
export function decodeFast(data: string): StreamEvent | undefined {
  return deltaEventAt(data, 0, data.length) ?? (isPing(data, 0, data.length) ? PING : blockEventAt(data, 0, data.length));
}

/**
 * The index of the closing quote of the JSON string literal opening at `open`, or -1 when the text there
 * (before `end`) is not a complete valid literal (raw control character, bad escape, no closing quote).
 */
function literalEnd(s: string, open: number, end: number): number {
  let i = open + 1;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) return i;
    if (c < 32) return -1;
    if (c === 92 /* \ */) {
      const e = s.charCodeAt(i + 1);
      if (e === 117 /* u */) {
        if (i + 5 >= end) return -1;
        if (!isHex(s.charCodeAt(i + 2)) || !isHex(s.charCodeAt(i + 3)) || !isHex(s.charCodeAt(i + 4)) || !isHex(s.charCodeAt(i + 5))) return -1;
        i += 6;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        i += 2;
      } else return -1;
    } else i++;
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function onlySpaces(s: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) !== 32) return false;
  return true;
}
