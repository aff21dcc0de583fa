/**
 * How low can a Bun gateway go? Loads the floor proxies (bench/floor-proxy.ts) and modelmux from source
 * side by side, interleaved, on the same fake upstream, and prints CPU µs per request and requests/s
 * against the native pipe:
 *
 *   bun bench/floors.ts [--mode stream20|stream1000|tool|json] [--rounds 3] [--duration 3]
 *
 * The figures and what they mean are in bench/README.md (Findings).
 */
import { join } from "node:path";
import { loadRun, type LoadSample } from "./lib/measure.ts";
import { spawnServer } from "./lib/proc.ts";
import { MODES, type ModeName, vertexPath } from "./lib/scenarios.ts";
import { OUT, ROOT, type Target, startFake, startTarget, writeBodies } from "./lib/targets.ts";
import { ensureWrk } from "./lib/wrk.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const mode = arg("mode", "stream20") as ModeName;
if (!MODES.includes(mode)) throw new Error(`--mode is one of ${MODES.join(", ")}`);
const rounds = Number(arg("rounds", "3"));
const duration = Math.min(15, Number(arg("duration", "3")));
if (!ensureWrk((s) => console.error(s))) process.exit(2);

await writeBodies();
const fake = await startFake("whole");
const targets: Array<{ label: string; t: Target }> = [];
try {
  for (const floor of mode === "json" ? ["pipe", "json", "json-parse", "json-abort"] : ["pipe", "touch", "buffered", "translate"]) {
    const child = await spawnServer({ name: floor, cmd: [process.execPath, join(ROOT, "bench", "floor-proxy.ts")], env: { UPSTREAM_URL: fake.url, FLOOR: floor } });
    targets.push({
      label: floor,
      t: { key: "b", child, url: (m) => child.url + vertexPath(m), bodyFile: (m) => join(OUT, "bodies", `vertex-${m}.json`), body: () => "", headers: { Authorization: "Bearer bench" } },
    });
  }
  targets.push({ label: "modelmux (source)", t: await startTarget("c", fake) });
  const samples = new Map<string, LoadSample[]>();
  for (let r = 1; r <= rounds; r++) {
    console.error(`round ${r}/${rounds}…`);
    for (const { label, t } of targets) samples.set(label, [...(samples.get(label) ?? []), await loadRun(t, fake, mode, 32, duration)]);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const pipeRps = med(samples.get("pipe")!.map((s) => s.rps));
  console.log(`| target (${mode}) | CPU µs/request | req/s | vs pipe |`);
  console.log("|---|---:|---:|---:|");
  for (const { label } of targets) {
    const s = samples.get(label)!;
    const rps = med(s.map((x) => x.rps));
    console.log(`| ${label} | ${med(s.map((x) => x.cpuUs)).toFixed(1)} | ${Math.round(rps)} | ${(rps / pipeRps).toFixed(2)}× |`);
  }
} finally {
  for (const { t } of targets) await t.child.stop();
  await fake.stop();
}
