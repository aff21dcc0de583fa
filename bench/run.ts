/**
 * The benchmark runner (`bun run bench`, or `bun bench/run.ts --quick`). Starts the fake upstream and the
 * four targets as separate processes, runs bounded wrk loads interleaved across targets (a,b,c,d,a,b,…),
 * measures unloaded latency, time to first event, memory, a soak and the binary's start-up, runs the
 * micro-benchmarks, and prints Markdown tables (with `--write`, also into bench/RESULTS.md).
 * Progress goes to stderr, the report to stdout; the raw numbers go to bench/out/results-*.json.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { loadRun, soak, ttfbRun, unloadedRun } from "./lib/measure.ts";
import { parseOptions } from "./lib/options.ts";
import { type Child, memory } from "./lib/proc.ts";
import { renderAll } from "./lib/render.ts";
import type { MachineInfo, Results } from "./lib/results.ts";
import { MODE_LABEL } from "./lib/scenarios.ts";
import { fmt } from "./lib/table.ts";
import { BINARY, OUT, ROOT, TARGET_LABEL, type Target, checkTarget, startFake, startTarget, writeBodies } from "./lib/targets.ts";
import { ensureWrk } from "./lib/wrk.ts";
import { measure as measureStartup } from "./startup.ts";

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    log((e as Error).message);
    return 2;
  }
  if (process.platform !== "linux") {
    log("bench/run.ts reads /proc for CPU and memory: run it on Linux.");
    return 2;
  }
  if (!ensureWrk(log)) {
    log("wrk is required: install it with `sudo apt-get install -y wrk` (Debian/Ubuntu), `brew install wrk`, or from https://github.com/wg/wrk.");
    return 2;
  }
  const notes: string[] = [];
  if (opts.targets.includes("d") && opts.build) buildBinary(notes);
  if (opts.targets.includes("d") && !existsSync(BINARY)) {
    notes.push("(d) skipped: dist/modelmux is missing.");
    opts.targets = opts.targets.filter((t) => t !== "d");
  }
  mkdirSync(OUT, { recursive: true });
  await writeBodies();

  const results: Results = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `bun bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    machine: machineInfo(),
    settings: {
      rounds: opts.rounds,
      durationS: opts.durationS,
      connections: opts.connections,
      chunking: opts.chunking,
      unloadedS: opts.unloadedS,
      ttfbCount: opts.ttfbCount,
    },
    targets: opts.targets,
    modes: opts.modes,
    notes,
    load: {},
    unloaded: {},
    ttfb: {},
    idleRssKb: {},
    warmRssKb: {},
    afterLoadRssKb: {},
    micro: "",
  };

  log(`fake upstream (chunking: ${opts.chunking})…`);
  const fake = await startFake(opts.chunking);
  const running: Child[] = [fake];
  // Interrupted (Ctrl-C, timeout): stop every process we started before exiting.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      for (const c of running) c.proc.kill("SIGKILL");
      process.exit(130);
    });
  }
  const targets: Target[] = [];
  try {
    for (const key of opts.targets) {
      const t = await startTarget(key, fake, opts.source, opts.compare);
      if (key !== "a") running.push(t.child);
      await Bun.sleep(200);
      results.idleRssKb[key] = memory(t.child.pid).rssKb;
      await checkTarget(t, opts.modes);
      results.warmRssKb[key] = memory(t.child.pid).rssKb;
      targets.push(t);
      log(`  ${TARGET_LABEL[key]}: ${t.child.url} (pid ${t.child.pid}, ready in ${fmt(t.child.startMs, 0)} ms)`);
    }

    log("warm-up…");
    for (const t of targets) for (const m of opts.modes) await warmSafe(() => loadRun(t, fake, m, opts.connections, opts.warmupS));

    log("unloaded latency and time to first event…");
    for (let round = 0; round < opts.rounds; round++) {
      for (const t of targets) (results.unloaded[t.key] ??= []).push(await unloadedRun(t, "json", opts.unloadedS));
      for (const t of targets) (results.ttfb[t.key] ??= []).push(await ttfbRun(t, "stream20", Math.ceil(opts.ttfbCount / opts.rounds)));
    }

    for (let round = 0; round < opts.rounds; round++) {
      for (const m of opts.modes) {
        log(`round ${round + 1}/${opts.rounds}: ${MODE_LABEL[m]}`);
        for (const t of targets) {
          const s = await loadRun(t, fake, m, opts.connections, opts.durationS);
          ((results.load[t.key] ??= {})[m] ??= []).push(s);
          log(`  ${t.key}: ${fmt(s.rps)} req/s, p99 ${fmt(s.p99Us / 1000, 2)} ms, ${fmt(s.cpuUs)} CPU µs/req, errors ${s.errors}`);
          if (s.errors > 0) notes.push(`${TARGET_LABEL[t.key]} had ${s.errors} errors in a ${m} run (round ${round + 1}).`);
        }
      }
    }
    await Bun.sleep(2000);
    for (const t of targets) results.afterLoadRssKb[t.key] = memory(t.child.pid).rssKb;

    const soakTarget = targets.find((t) => t.key === "d") ?? targets.find((t) => t.key === "c");
    if (soakTarget && opts.soakRequests > 0) {
      log(`soak: ${fmt(opts.soakRequests)} requests on ${TARGET_LABEL[soakTarget.key]}…`);
      const s = await soak(soakTarget, opts.soakRequests, opts.connections, 2, opts.quick ? 20 : 60);
      results.soak = { ...s, target: soakTarget.key };
    }
  } finally {
    await Promise.all(running.map((c) => c.stop()));
  }

  if (opts.targets.includes("d")) {
    log("start-up of the compiled binary…");
    const s = await measureStartup("dist/modelmux", [BINARY], opts.startupRuns, BINARY);
    results.startup = { medianMs: s.health.median, p90Ms: s.health.p90, minMs: s.health.min, runs: s.runs, rssMiB: s.rssMiB, sizeBytes: s.sizeBytes };
  }
  if (opts.micro) results.micro = runMicro(notes);

  const json = join(OUT, `results-${results.date.replaceAll(":", "-")}.json`);
  await Bun.write(json, JSON.stringify(results, null, 2));
  const { text, failed } = renderAll(results);
  console.log(text);
  if (opts.write) {
    await Bun.write(join(ROOT, "bench", "RESULTS.md"), resultsMarkdown(text));
    log("wrote bench/RESULTS.md");
  }
  log(`raw numbers: ${json}`);
  if (failed.length) log(`\n${failed.length} target(s) missed:\n  ${failed.join("\n  ")}`);
  return 0;
}

async function warmSafe(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    log(`warm-up failed: ${(e as Error).message}`);
  }
}

function buildBinary(notes: string[]): void {
  const src = join(ROOT, "src");
  const newest = newestMtime(src);
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs > newest) return;
  log("building dist/modelmux (bun run build)…");
  const r = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) notes.push(`\`bun run build\` failed: ${r.stderr.toString().trim().slice(-300)}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of new Bun.Glob("**/*.ts").scanSync({ cwd: dir })) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

function runMicro(notes: string[]): string {
  const out: string[] = [];
  for (const file of ["translate.bench.ts", "request.bench.ts"]) {
    const path = join(ROOT, "bench", file);
    if (!existsSync(path)) continue;
    log(`micro-benchmarks: bench/${file}…`);
    const r = Bun.spawnSync([process.execPath, path], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
    if (r.exitCode !== 0) notes.push(`bench/${file} failed: ${r.stderr.toString().trim().slice(-300)}`);
    out.push(`# bench/${file}\n${stripAnsi(r.stdout.toString())}`);
  }
  return out.join("\n");
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

function machineInfo(): MachineInfo {
  const sh = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : "";
  };
  const wrkLine = Bun.spawnSync(["wrk", "--version"], { stdout: "pipe", stderr: "pipe" });
  const wrk = (wrkLine.stdout.toString() + wrkLine.stderr.toString()).split("\n")[0]?.replace(/ Copyright.*/, "") ?? "wrk";
  const dirty = sh(["git", "status", "--porcelain", "--", "src"]) ? " (+ uncommitted changes in src/)" : "";
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    kernel: readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(),
    bun: Bun.version,
    wrk,
    commit: (sh(["git", "rev-parse", "--short", "HEAD"]) || "unknown") + dirty,
  };
}

function resultsMarkdown(report: string): string {
  return `# Benchmark results

The latest figures from \`bench/run.ts\` (how to run it, what each number means, and where the remaining
cost goes: bench/README.md). Regenerate with \`bun run bench -- --write\`.

${report}
`;
}

process.exit(await main());
