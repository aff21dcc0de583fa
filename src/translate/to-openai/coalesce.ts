/**
 * "Buffered" streaming: merges runs of small text deltas into fewer, larger chunks for clients (IDEs,
 * browsers) that render every chunk. A run is `delta.content` pieces or `delta.reasoning_content` pieces
 * (never mixed). Pending text is emitted when it reaches `bufferSize` UTF-8 bytes or ends at a sentence or
 * line boundary; any other chunk (role, tool calls, thinking blocks, finish, usage) first flushes the pending
 * text, then passes through, so order is kept. The server owns the chunk_timeout_ms timer and calls flush().
 */
import type { ChatCompletionChunk } from "../../wire/openai.ts";

/** Holds text deltas back until there is enough to send. */
export interface Coalescer {
  /** Chunks ready to send after this one arrived (possibly none). */
  push(chunk: ChatCompletionChunk): ChatCompletionChunk[];
  /** Everything still pending, as at most one chunk. */
  flush(): ChatCompletionChunk[];
  /** Some text is waiting. */
  readonly pending: boolean;
}

type Kind = "content" | "reasoning_content";

/** Sentence end (. ! ? …, CJK full stops) optionally followed by closing quotes/brackets and spaces, or a newline. */
const BOUNDARY = /(?:[.!?…。！？][)"'”’\]]*[ \t]*|\n[ \t]*)$/;

/** UTF-8 length of a string without encoding it (lone surrogates count as the 3-byte U+FFFD they become). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The kind of a pure text delta chunk, or undefined for anything else. */
function textKind(chunk: ChatCompletionChunk): Kind | undefined {
  if (chunk.usage != null || chunk.choices.length !== 1) return undefined;
  const choice = chunk.choices[0];
  if (!choice || choice.finish_reason != null || choice.index !== 0) return undefined;
  const keys = Object.keys(choice.delta);
  if (keys.length !== 1) return undefined;
  if (keys[0] === "content" && typeof choice.delta.content === "string") return "content";
  if (keys[0] === "reasoning_content" && typeof choice.delta.reasoning_content === "string") return "reasoning_content";
  return undefined;
}

/** Creates a coalescer; `bufferSize` ≤ 0 passes every chunk straight through. */
export function createCoalescer(opts: { bufferSize: number }): Coalescer {
  let template: ChatCompletionChunk | undefined;
  let kind: Kind = "content";
  let parts: string[] = [];
  let bytes = 0;

  const take = (): ChatCompletionChunk[] => {
    if (!template) return [];
    const text = parts.join("");
    const first = template.choices[0];
    const delta = kind === "content" ? { content: text } : { reasoning_content: text };
    const out: ChatCompletionChunk = { ...template, choices: [{ index: 0, delta, logprobs: first?.logprobs ?? null, finish_reason: null }] };
    template = undefined;
    parts = [];
    bytes = 0;
    return [out];
  };

  return {
    push(chunk) {
      const k = textKind(chunk);
      if (k === undefined) return [...take(), chunk];
      const out = template && kind !== k ? take() : [];
      const text = (k === "content" ? chunk.choices[0]?.delta.content : chunk.choices[0]?.delta.reasoning_content) ?? "";
      template ??= chunk;
      kind = k;
      parts.push(text);
      bytes += utf8Length(text);
      // Testing the new piece is testing the pending text's end: a pending text ending at a boundary was sent already.
      if (bytes >= opts.bufferSize || BOUNDARY.test(text)) out.push(...take());
      return out;
    },
    flush: take,
    get pending() {
      return template !== undefined;
    },
  };
}
