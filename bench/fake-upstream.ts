/**
 * A lean fake Vertex upstream for the benchmark, run as its own process so the CPU and memory of each
 * target can be measured apart from it:
 *
 *   bun bench/fake-upstream.ts [--port 0] [--chunking whole|event]
 *
 * It prints `listening http://127.0.0.1:PORT` once ready and serves canned answers (see lib/scenarios.ts):
 * `…:rawPredict` → a JSON message; `…:streamRawPredict` → a 20-delta SSE stream, or 1,000 deltas when the
 * body carries `[bench:d1000]`, or a streamed tool call for `[bench:tool]`. Every answer is encoded once at
 * start-up, so the fake costs the same for every target and stays far from being the bottleneck.
 *
 * `--chunking whole` (default) sends an SSE answer as one write, like a fast upstream seen through a
 * buffer; `--chunking event` writes each event separately (one TCP segment each on loopback), like a real
 * model producing tokens, which exercises the per-chunk path of whatever reads the stream.
 */
import { upstreamJson, upstreamText, upstreamTool } from "./lib/scenarios.ts";

const enc = new TextEncoder();
const JSON_BODY = enc.encode(upstreamJson());
const SSE = {
  d20: upstreamText(20),
  d1000: upstreamText(1000),
  tool: upstreamTool(),
};
const SSE_BYTES = { d20: enc.encode(SSE.d20), d1000: enc.encode(SSE.d1000), tool: enc.encode(SSE.tool) };
const SSE_EVENTS = {
  d20: splitEvents(SSE.d20),
  d1000: splitEvents(SSE.d1000),
  tool: splitEvents(SSE.tool),
};
const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8" };
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

function splitEvents(s: string): Uint8Array[] {
  return s
    .split("\n\n")
    .filter((e) => e.length > 0)
    .map((e) => enc.encode(`${e}\n\n`));
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const chunking = arg("chunking", "whole");
const port = Number(arg("port", "0"));

function eventStream(events: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    type: "direct",
    async pull(controller: ReadableStreamDirectController) {
      // One write + flush per event; yield between events so each leaves as its own segment.
      for (; i < events.length; i++) {
        controller.write(events[i]!);
        await controller.flush();
      }
      controller.close();
    },
  });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 0,
  async fetch(req) {
    if (req.method !== "POST") return new Response("fake vertex: POST only\n", { status: 405 });
    const path = new URL(req.url).pathname;
    const body = await req.text();
    if (path.endsWith(":rawPredict")) return new Response(JSON_BODY, { headers: JSON_HEADERS });
    if (!path.endsWith(":streamRawPredict")) return new Response("fake vertex: unknown path\n", { status: 404 });
    const kind = body.includes("[bench:d1000]") ? "d1000" : body.includes("[bench:tool]") ? "tool" : "d20";
    if (chunking === "event") return new Response(eventStream(SSE_EVENTS[kind]), { headers: SSE_HEADERS });
    return new Response(SSE_BYTES[kind], { headers: SSE_HEADERS });
  },
});

console.log(`listening ${server.url.href.replace(/\/$/, "")}`);

// Exit cleanly on SIGTERM (lets `bun --cpu-prof` write its profile).
process.on("SIGTERM", () => process.exit(0));
