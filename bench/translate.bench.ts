/**
 * Micro-benchmarks for the hot translation paths, with Bun's own clock (no assertions; run by hand):
 *   bun run bench/translate.bench.ts
 * Prints ns/op for: non-streaming response translation, stream translation per upstream event,
 * SSE decode per event, and the buffered-mode coalescer per chunk.
 */
import { SSEDecoder } from "../src/net/sse-decode.ts";
import { SSEScanner } from "../src/net/sse-scan.ts";
import { matchDelta } from "../src/providers/vertex/fast-events.ts";
import { encodeData } from "../src/net/sse-encode.ts";
import { createCoalescer } from "../src/translate/to-openai/coalesce.ts";
import { toChatCompletion } from "../src/translate/to-openai/response.ts";
import { createStreamTranslator } from "../src/translate/to-openai/stream.ts";
import type { Message, StreamEvent } from "../src/wire/anthropic.ts";

const FIXTURES = new URL("../test/fixtures/", import.meta.url);

/** Runs `fn` (which performs `perCall` operations) until ~`budgetMs` elapsed after a warm-up; returns ns/op. */
function measure(fn: () => void, perCall: number, budgetMs = 400): number {
  for (let i = 0; i < 200; i++) fn();
  let calls = 0;
  const start = Bun.nanoseconds();
  const stop = start + budgetMs * 1e6;
  while (Bun.nanoseconds() < stop) {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
  }
  return (Bun.nanoseconds() - start) / (calls * perCall);
}

function report(name: string, nsPerOp: number): void {
  console.log(`${name.padEnd(46)} ${nsPerOp.toFixed(0).padStart(8)} ns/op`);
}

const message = (await Bun.file(new URL("responses/thinking-tool.anthropic.json", FIXTURES)).json()) as Message;
const parallel = (await Bun.file(new URL("responses/parallel-tools.anthropic.json", FIXTURES)).json()) as Message;
const sse = new Uint8Array(await Bun.file(new URL("streams/parallel-tools.sse", FIXTURES)).arrayBuffer());
const decodeAll = () => {
  const d = new SSEDecoder();
  return [...d.push(sse), ...d.end()];
};
const messages = decodeAll();
const events = messages.map((m) => JSON.parse(m.data) as StreamEvent);
const ctx = { model: "claude-sonnet-4-5", created: 1755000000, includeUsage: true };

report("toChatCompletion (thinking + tool)", measure(() => void toChatCompletion(message, ctx), 1));
report("toChatCompletion (3 parallel tools)", measure(() => void toChatCompletion(parallel, ctx), 1));
report(`stream translate, per event (${events.length} events)`, measure(() => {
  const t = createStreamTranslator(ctx);
  for (const e of events) t.push(e);
  t.finish();
}, events.length));
report(`SSE decode, per event (${messages.length} events, 1 chunk)`, measure(() => void decodeAll(), messages.length));
const pieces = Array.from({ length: Math.ceil(sse.length / 64) }, (_, i) => sse.subarray(i * 64, (i + 1) * 64));
report("SSE decode, per event (64-byte network chunks)", measure(() => {
  const d = new SSEDecoder();
  for (const p of pieces) d.push(p);
  d.end();
}, messages.length));
// The hot path: events as ranges of one buffer, text deltas matched in place (no JSON.parse, no objects).
const text = new TextEncoder().encode(
  (await Bun.file(new URL("streams/text.sse", FIXTURES)).text()) +
    Array.from({ length: 20 }, (_, i) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word ${i} "}}    \n\n`).join(""),
);
let hits = 0;
const onText = () => void hits++;
const handlers = { text: onText, args: onText, thinking: onText };
const onData = (s: string, a: number, b: number) => void matchDelta(s, a, b, handlers);
const scanned = (() => {
  let n = 0;
  const s = new SSEScanner();
  s.push(text);
  s.end();
  while (s.next(() => void n++));
  return n;
})();
report(`SSE scan + text-delta match, per event (${scanned})`, measure(() => {
  const s = new SSEScanner();
  s.push(text);
  s.end();
  while (s.next(onData));
}, scanned));
report("JSON.parse of an event's data (for scale)", measure(() => {
  for (const m of messages) JSON.parse(m.data);
}, messages.length));
const t0 = createStreamTranslator(ctx);
const chunks = [...events.flatMap((e) => t0.push(e)), ...t0.finish()];
report(`encodeData, per chunk (${chunks.length} chunks)`, measure(() => {
  for (const c of chunks) encodeData(c);
}, chunks.length));
const words = Array.from({ length: 200 }, (_, i) => ({ ...chunks[1]!, choices: [{ index: 0, delta: { content: i % 20 === 19 ? "end. " : "word " }, logprobs: null, finish_reason: null }] }));
report("coalescer, per text chunk (buffer 64 B)", measure(() => {
  const c = createCoalescer({ bufferSize: 64 });
  for (const w of words) c.push(w);
  c.flush();
}, words.length));
