/**
 * A/B of two checkouts in ONE process, for changes too small for the loaded runs' noise:
 *
 *   bun bench/inprocess-ab.ts OLD_DIR [NEW_DIR=.] [--mode json|stream20|stream1000] [--blocks 30] [--block 500]
 *
 * Loads both checkouts' app with the stub upstream of bench/lib/stub-app.ts (as bench/request.bench.ts;
 * streams go through each checkout's real Vertex event iterator), then times alternating
 * blocks of in-process requests (A B, B A, …) so that the machine's drift hits both alike. Prints each
 * side's median ns per request and the median of the per-block ratios NEW/OLD (with their range).
 * No sockets: this is the gateway's own JavaScript and the runtime work it triggers.
 */
import { openaiBody, upstreamText } from "./lib/scenarios.ts";
import { loadStubApp } from "./lib/stub-app.ts";

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
const body = openaiBody(mode === "json" ? "json" : "stream20");
const apps = [await loadStubApp(oldDir, () => bytes), await loadStubApp(newDir, () => bytes)];
for (const app of apps) for (let i = 0; i < (mode === "stream1000" ? 300 : 3000); i++) await app.roundTrip(body);

const times: number[][] = [[], []];
for (let b = 0; b < blocks; b++) {
  for (const k of b % 2 ? [1, 0] : [0, 1]) {
    const t = Bun.nanoseconds();
    for (let i = 0; i < block; i++) await apps[k]!.roundTrip(body);
    times[k]!.push((Bun.nanoseconds() - t) / block);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ratios = times[1]!.map((t, i) => t / times[0]![i]!);
console.log(`${mode}, ${blocks} blocks of ${block} requests each, alternating`);
console.log(`A ${oldDir.padEnd(30)} ${median(times[0]!).toFixed(0).padStart(9)} ns/request (median)`);
console.log(`B ${newDir.padEnd(30)} ${median(times[1]!).toFixed(0).padStart(9)} ns/request (median)`);
console.log(`B/A per block: median ${median(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`);
