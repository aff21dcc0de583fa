/**
 * Byte-level fast path for the two commonest Vertex stream payloads, skipping JSON.parse:
 * - a text delta exactly as Anthropic/Vertex write it,
 *   `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}` (Vertex's padding
 *   spaces allowed before each closing brace and at the end): the event keeps the raw JSON string literal of
 *   the text in `delta.json`, so the server can write it into the client's chunk without a parse/serialize
 *   round trip (a JSON string literal from the upstream is a valid JSON string literal in our output);
 * - `ping` (`{"type": "ping"}`, with or without the space, padded).
 * Anything else (other key order, extra keys, other whitespace, an invalid literal) returns undefined and
 * takes the normal JSON.parse path, so the result is always what JSON.parse would have given.
 */
import type { StreamEvent } from "../../wire/anthropic.ts";

const DELTA_PREFIX = '{"type":"content_block_delta","index":';
const TEXT_KEY = ',"delta":{"type":"text_delta","text":"';
const PING: StreamEvent = Object.freeze({ type: "ping" as const });

/** The StreamEvent for a text delta or ping payload in the exact expected form, else undefined (use JSON.parse). */
export function decodeFast(data: string): StreamEvent | undefined {
  if (data.startsWith(DELTA_PREFIX)) return textDelta(data);
  if (data.startsWith('{"type": "ping"}') || data.startsWith('{"type":"ping"}')) {
    return onlySpaces(data, data.charCodeAt(8) === 32 ? 16 : 15) ? PING : undefined;
  }
  return undefined;
}

function textDelta(data: string): StreamEvent | undefined {
  let i = DELTA_PREFIX.length;
  let c = data.charCodeAt(i);
  let index = 0;
  if (c === 48 /* 0 */) i++;
  else {
    // A plain JSON integer without leading zeros, at most 9 digits (anything else: slow path).
    const start = i;
    while (c >= 48 && c <= 57 && i - start < 9) {
      index = index * 10 + (c - 48);
      c = data.charCodeAt(++i);
    }
    if (i === start) return undefined;
  }
  if (!data.startsWith(TEXT_KEY, i)) return undefined;
  const open = i + TEXT_KEY.length - 1;
  const close = literalEnd(data, open);
  if (close < 0) return undefined;
  // Suffix: `}`, spaces, `}`, spaces, end.
  let j = close + 1;
  if (data.charCodeAt(j) !== 125) return undefined;
  j++;
  while (data.charCodeAt(j) === 32) j++;
  if (data.charCodeAt(j) !== 125) return undefined;
  if (!onlySpaces(data, j + 1)) return undefined;
  const json = data.slice(open, close + 1);
  // Without escapes the text is the literal's inside; with them JSON.parse of the (small) literal decodes it.
  const text = json.includes("\\") ? (JSON.parse(json) as string) : data.slice(open + 1, close);
  return { type: "content_block_delta", index, delta: { type: "text_delta", text, json } };
}

/**
 * The index of the closing quote of the JSON string literal opening at `open`, or -1 when the text there is
 * not a complete valid literal (raw control character, bad escape, no closing quote).
 */
function literalEnd(s: string, open: number): number {
  const n = s.length;
  let i = open + 1;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) return i;
    if (c < 32) return -1;
    if (c === 92 /* \ */) {
      const e = s.charCodeAt(i + 1);
      if (e === 117 /* u */) {
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

function onlySpaces(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) !== 32) return false;
  return true;
}
