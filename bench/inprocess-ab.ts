/**
 * A/B of two checkouts in ONE process, for changes too small for the loaded runs' noise:
 *
 *   bun bench/inprocess-ab.ts OLD_DIR [NEW_DIR=.] [--mode json|stream20|stream1000] [--blocks 30] [--block 500]
 *
 * Loads both checkouts' app (createServerApp) with the stub provider of bench/request.bench.ts (streams go
 * through each checkout's real Vertex event iterator over an in-memory body), then times alternating
 * blocks of in-process requests (A B, B A, …) so that the machine's drift hits both alike. Prints each
 * side's median ns per request and the median of the per-block ratios NEW/OLD (with their range).
 * No sockets: this is the gateway's own JavaScript and the runtime work it triggers.
 */
import { resolve } from "node:path";
import { openaiBody, upstreamJson, upstreamText, VERTEX_MODEL } from "./lib/scenarios.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args.splice(i, 2)[1] ?? fallback) : fallback;
};
const mode = flag("mode", "stream20");
const blocks = Number(flag("blocks", "30"));
const block = Number(flag("block", mode === "stream1000" ? "50" : "500"));
const [oldDir, newDir = "."] = args;
if (!oldDir || !["json", "stream20", "stream1000"].includes(mode)) {
  console.error("usage: bun bench/inprocess-ab.ts OLD_DIR [NEW_DIR] [--mode json|stream20|stream1000] [--blocks N] [--block N]");
  process.exit(2);
}

const bytes = new TextEncoder().encode(upstreamText(mode === "stream1000" ? 1000 : 20));
const message = JSON.parse(upstreamJson());
const body = openaiBody(mode === "json" ? "json" : "stream20");
const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: "Bearer bench" };

type App = { fetch(req: Request): Promise<Response> };
async function load(dir: string): Promise<App> {
  const root = resolve(dir);
  const { createServerApp } = await import(`${root}/src/server/app.ts`);
  const { defineConfig } = await import(`${root}/src/config/schema.ts`);
  const { vertexEvents } = await import(`${root}/src/providers/vertex/stream.ts`);
  const { createDeadline } = await import(`${root}/src/net/deadline.ts`);
  const config = defineConfig({
    server: { log_level: "warn" },
    auth: { access_token: "bench" },
    vertex: { provider: "vertex", project: "p", region: "us-east5", model: VERTEX_MODEL },
  });
  const provider = {
    name: "vertex",
    complete: async () => ({ attempts: 1, upstreamStatus: 200, message }),
    stream: async (_body: unknown, opts: { signal?: AbortSignal }) => {
      const upstream = new ReadableStream<Uint8Array>({ pull: (c) => (c.enqueue(bytes), c.close()) });
      return { attempts: 1, upstreamStatus: 200, events: vertexEvents(upstream, { deadline: createDeadline(600_000, opts.signal), inactivityMs: 300_000 }) };
    },
  };
  return createServerApp({ config, provider, version: "bench" }) as App;
}

const apps = [await load(oldDir), await load(newDir)];
const roundTrip = async (app: App) => {
  const res = await app.fetch(new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers, body }));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
for (const app of apps) for (let i = 0; i < 3000 / (mode === "stream1000" ? 10 : 1); i++) await roundTrip(app);

const times: number[][] = [[], []];
for (let b = 0; b < blocks; b++) {
  for (const k of b % 2 ? [1, 0] : [0, 1]) {
    const t = Bun.nanoseconds();
    for (let i = 0; i < block; i++) await roundTrip(apps[k]!);
    times[k]!.push((Bun.nanoseconds() - t) / block);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ratios = times[1]!.map((t, i) => t / times[0]![i]!);
console.log(`${mode}, ${blocks} blocks of ${block} requests each, alternating`);
console.log(`A ${oldDir.padEnd(30)} ${median(times[0]!).toFixed(0).padStart(9)} ns/request (median)`);
console.log(`B ${newDir.padEnd(30)} ${median(times[1]!).toFixed(0).padStart(9)} ns/request (median)`);
console.log(`B/A per block: median ${median(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`);
