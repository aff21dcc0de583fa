/**
 * Micro-benchmarks of what bench/translate.bench.ts does not cover (Bun's own clock, ns/op, no assertions):
 *   bun bench/request.bench.ts
 * - request side: JSON body → parseChatRequest → toMessagesRequest → Vertex body JSON;
 * - the whole gateway in-process: `app.fetch(Request)` with a stub provider that answers at once (no
 *   sockets, no upstream), for a non-streaming answer and for 20- and 1,000-delta streams read to the end.
 *   This is the gateway's own JavaScript cost per request, the part a profile of this file shows.
 */
import { createServerApp } from "../src/server/app.ts";
import { defineConfig } from "../src/config/schema.ts";
import { vertexBody } from "../src/providers/vertex/index.ts";
import type { Provider } from "../src/providers/types.ts";
import { toMessagesRequest } from "../src/translate/to-anthropic/request.ts";
import type { Message, StreamEvent } from "../src/wire/anthropic.ts";
import { parseChatRequest } from "../src/wire/parse-request.ts";
import { SSEDecoder } from "../src/net/sse-decode.ts";
import { openaiBody, upstreamJson, upstreamText, VERTEX_MODEL } from "./lib/scenarios.ts";

/** Runs `fn` (doing `perCall` operations) for ~`budgetMs` after a warm-up; returns ns per operation. */
async function measure(fn: () => unknown, perCall: number, budgetMs = 600): Promise<number> {
  for (let i = 0; i < 300; i++) await fn();
  let calls = 0;
  const start = Bun.nanoseconds();
  const stop = start + budgetMs * 1e6;
  while (Bun.nanoseconds() < stop) {
    for (let i = 0; i < 20; i++) await fn();
    calls += 20;
  }
  return (Bun.nanoseconds() - start) / (calls * perCall);
}

/** `--only TEXT` runs just the benchmarks whose name contains TEXT (e.g. for `bun --cpu-prof`). */
const only = process.argv.includes("--only") ? (process.argv[process.argv.indexOf("--only") + 1] ?? "") : "";
const budget = only ? 5000 : 600;

async function bench(name: string, fn: () => unknown, perCall = 1): Promise<void> {
  if (only && !name.includes(only)) return;
  const ns = await measure(fn, perCall, budget);
  console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(9)} ns/op`);
}

const config = defineConfig({
  server: { log_level: "warn" },
  auth: { access_token: "bench" },
  vertex: { provider: "vertex", project: "p", region: "us-east5", model: VERTEX_MODEL },
});

// --- request translation ---------------------------------------------------------------------------
const jsonText = openaiBody("json");
const toolText = openaiBody("tool");
const translate = (text: string) => {
  const parsed = parseChatRequest(JSON.parse(text), { max_messages: config.server.max_messages });
  const { body } = toMessagesRequest(parsed, { defaultMaxTokens: 4096, thinkingStyle: "budget" });
  return JSON.stringify(vertexBody(body, config.vertex.anthropic_version, false));
};
await bench("request: parse + translate + stringify (chat)", () => translate(jsonText));
await bench("request: parse + translate + stringify (2 tools)", () => translate(toolText));

// --- the app in-process, stub upstream ---------------------------------------------------------------
const message = JSON.parse(upstreamJson()) as Message;
const decode = (sse: string): StreamEvent[] => {
  const d = new SSEDecoder();
  return [...d.push(new TextEncoder().encode(sse)), ...d.end()].map((m) => JSON.parse(m.data) as StreamEvent);
};
const streams = { 20: decode(upstreamText(20)), 1000: decode(upstreamText(1000)) };
let streamLen: 20 | 1000 = 20;

/** Yields canned events as already-settled promises, like a provider reading a burst from one network read. */
function eventsOf(list: StreamEvent[]): AsyncIterableIterator<StreamEvent> {
  let i = 0;
  const it: AsyncIterableIterator<StreamEvent> = {
    next: () => Promise.resolve(i < list.length ? { done: false, value: list[i++]! } : { done: true, value: undefined }),
    return: () => Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

const provider: Provider = {
  name: "vertex",
  complete: async () => ({ attempts: 1, upstreamStatus: 200, message }),
  stream: async () => ({ attempts: 1, upstreamStatus: 200, events: eventsOf(streams[streamLen]) }),
};
const app = createServerApp({ config, provider, version: "bench" });
const post = (body: string) =>
  new Request("http://127.0.0.1/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: "Bearer bench" },
    body,
  });
const roundTrip = async (body: string) => {
  const res = await app.fetch(post(body));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
const streamText = openaiBody("stream20");
await bench("app.fetch, non-streaming (stub upstream)", () => roundTrip(jsonText));
await bench("app.fetch, stream of 20 deltas (stub upstream)", () => roundTrip(streamText));
streamLen = 1000;
await bench("app.fetch, stream of 1000 deltas, per event", () => roundTrip(streamText), streams[1000].length);
