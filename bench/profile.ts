/**
 * CPU-profiles modelmux (from source) under load, for finding hot spots:
 *
 *   bun bench/profile.ts [--mode json|stream20|stream1000|tool] [--duration 5] [--connections 32] [--chunking whole|event]
 *                        [--source DIR] [--interval µs]
 *
 * Starts the fake upstream, runs `bun --cpu-prof --cpu-prof-md src/main.ts serve`, loads it with wrk, stops it
 * and prints where the profile went (bench/out/profiles/*.cpuprofile for Chrome DevTools / speedscope, and
 * a Markdown summary), then the native calls that cost most, each charged to its JavaScript caller
 * (bench/lib/profile-callers.ts). The profile covers start-up too; the load dominates it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Child, freePort, spawnServer } from "./lib/proc.ts";
import { nativeCallers } from "./lib/profile-callers.ts";
import { MODES, type ModeName } from "./lib/scenarios.ts";
import { OUT, ROOT, gatewayEnv, startFake, writeBodies } from "./lib/targets.ts";
import { runWrk } from "./lib/wrk.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const mode = arg("mode", "stream20") as ModeName;
if (!MODES.includes(mode)) throw new Error(`--mode is one of ${MODES.join(", ")}`);
const duration = Math.min(15, Number(arg("duration", "5")));
const connections = Number(arg("connections", "32"));

await writeBodies();
const dir = join(OUT, "profiles");
mkdirSync(dir, { recursive: true });
const name = `modelmux-${mode}-${Date.now()}`;
const fake = await startFake(arg("chunking", "whole"));
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    fake.proc.kill("SIGKILL");
    gw?.proc.kill("SIGKILL");
    process.exit(130);
  });
}
let gw: Child | undefined;
const port = freePort();
const url = `http://127.0.0.1:${port}`;
gw = await spawnServer({
  name: "modelmux (profiled)",
  cmd: [process.execPath, "--no-env-file", "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, `--cpu-prof-interval=${arg("interval", "250")}`, join(arg("source", ROOT), "src", "main.ts"), "serve"],
  env: gatewayEnv(fake.url, port),
  cwd: OUT,
  url,
  readyPath: "/health",
});
try {
  const r = await runWrk({
    url: `${url}/v1/chat/completions`,
    bodyFile: join(OUT, "bodies", `openai-${mode}.json`),
    headers: { Authorization: "Bearer bench" },
    connections,
    durationS: duration,
  });
  console.log(`${mode}: ${Math.round(r.requests / (r.durationUs / 1e6))} req/s under the profiler`);
} finally {
  await gw?.stop();
  await fake.stop();
}
console.log(`profile: ${dir}/${name}.cpuprofile (and the .md summary beside it)`);
const file = Bun.file(join(dir, `${name}.cpuprofile`));
if (await file.exists()) {
  console.log("native time by JavaScript caller (share of all samples):");
  for (const line of nativeCallers(await file.json())) console.log(`  ${line}`);
}
