/**
 * Micro-benchmarks of what bench/translate.bench.ts does not cover (Bun's own clock, ns/op, no assertions):
 *   bun bench/request.bench.ts
 * - request side: JSON body → parseChatRequest → toMessagesRequest → Vertex body JSON;
 * - the whole gateway in-process (bench/lib/stub-app.ts: a stub upstream, streams through the real Vertex
 *   event iterator) for a non-streaming answer, for 20- and 1,000-delta streams, a tool call whose
 *   arguments arrive in 1,000 pieces and a thinking block of 1,000 pieces, read to the end. This is the
 *   gateway's own JavaScript cost per request, the part a profile of this file shows.
 */
import { defineConfig } from "../src/config/schema.ts";
import { vertexBody } from "../src/providers/vertex/index.ts";
import { toMessagesRequest } from "../src/translate/to-anthropic/request.ts";
import { parseChatRequest } from "../src/wire/parse-request.ts";
import { openaiBody, upstreamText, VERTEX_MODEL } from "./lib/scenarios.ts";
import { loadStubApp } from "./lib/stub-app.ts";

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
/** The 1-delta text stream with one more block (index 1) of `n` deltas made by `delta(i)`, in Vertex's form. */
function withBlock(start: unknown, n: number, delta: (i: number) => unknown): string {
  const sse = upstreamText(1);
  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)} \n\n`;
  let block = ev("content_block_start", { type: "content_block_start", index: 1, content_block: start });
  for (let i = 0; i < n; i++) block += ev("content_block_delta", { type: "content_block_delta", index: 1, delta: delta(i) });
  block += ev("content_block_stop", { type: "content_block_stop", index: 1 });
  const at = sse.indexOf("event: message_delta");
  return sse.slice(0, at) + block + sse.slice(at);
}
const streams = {
  20: upstreamText(20),
  1000: upstreamText(1000),
  tool: withBlock({ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }, 1000, (i) => ({ type: "input_json_delta", partial_json: i === 0 ? '{"code": "' : 'line \\n \"x\" ' })),
  thinking: withBlock({ type: "thinking", thinking: "", signature: "" }, 1000, () => ({ type: "thinking_delta", thinking: " so the user wants" })),
};
const encoded = Object.fromEntries(Object.entries(streams).map(([k, v]) => [k, new TextEncoder().encode(v)])) as Record<keyof typeof streams, Uint8Array>;
let streamKind: keyof typeof streams = 20;

const { roundTrip } = await loadStubApp(new URL("..", import.meta.url).pathname, () => encoded[streamKind]);
const streamText = openaiBody("stream20");
await bench("app.fetch, non-streaming (stub upstream)", () => roundTrip(jsonText));
await bench("app.fetch, stream of 20 deltas (stub upstream)", () => roundTrip(streamText));
streamKind = 1000;
await bench("app.fetch, stream of 1000 deltas, per event", () => roundTrip(streamText), 1000);
streamKind = "tool";
await bench("app.fetch, tool call of 1000 argument pieces, per piece", () => roundTrip(openaiBody("tool")), 1000);
streamKind = "thinking";
await bench("app.fetch, thinking of 1000 pieces, per piece", () => roundTrip(streamText), 1000);
