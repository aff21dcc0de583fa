/**
 * Start-up benchmark for the compiled binary: time from spawn to the first 200 from `GET /health`
 * (demo upstream, loopback), plus `--version` (bare process start), binary size and RSS once serving.
 *
 *   bun bench/startup.ts                    # builds with and without --bytecode into bench/out/, compares
 *   bun bench/startup.ts --binary dist/modelmux [--runs 30]
 *
 * Writes bench/out/startup.json and prints a Markdown table. No assertions: numbers are for the README.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileBinary } from "../packaging/lib/compile.ts";
import { REPO_ROOT } from "../packaging/lib/version.ts";

export interface StartupResult {
  label: string;
  command: string[];
  sizeBytes?: number;
  runs: number;
  /** spawn → first 200 from /health, ms */
  health: Stats;
  /** spawn → exit of `--version`, ms */
  version: Stats;
  /** resident set size once serving, MiB (median) */
  rssMiB?: number;
}

export interface Stats {
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** min/median/p90/max of a sample. */
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { min: s[0]!, median: at(0.5), p90: at(0.9), max: s[s.length - 1]! };
}

function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const line = (await Bun.file(`/proc/${pid}/status`).text()).split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One spawn → /health measurement (ms) and the RSS once serving. */
async function measureHealth(command: string[], home: string): Promise<{ ms: number; rss?: number }> {
  const port = freePort();
  const config = join(home, "config.toml");
  await Bun.write(config, `[server]\nhost = "127.0.0.1"\nport = ${port}\n\n[vertex]\nprovider = "mock"\n`);
  const t0 = performance.now();
  const proc = Bun.spawn([...command, "serve", "--config", config, "--log-level", "warn"], {
    cwd: home, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home }, stdin: "ignore", stdout: "ignore", stderr: "ignore",
  });
  try {
    const deadline = t0 + 10_000;
    while (performance.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`${command.join(" ")} exited with ${proc.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200) {
          await res.arrayBuffer();
          const ms = performance.now() - t0;
          return { ms, rss: await rssMiB(proc.pid) };
        }
      } catch {
        // not listening yet: retry at once (a refused loopback connect costs microseconds)
      }
      await Bun.sleep(1);
    }
    throw new Error(`${command.join(" ")}: no /health within 10 s`);
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

async function measureVersion(command: string[]): Promise<number> {
  const t0 = performance.now();
  const proc = Bun.spawn([...command, "--version"], { stdout: "ignore", stderr: "ignore", stdin: "ignore" });
  await proc.exited;
  return performance.now() - t0;
}

/** Measures `command` `runs` times (after one warm-up run that fills the page cache). */
export async function measure(label: string, command: string[], runs: number, binary?: string): Promise<StartupResult> {
  const home = await mkdtemp(join(tmpdir(), "modelmux-startup-"));
  try {
    await measureHealth(command, home);
    const health: number[] = [];
    const version: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const h = await measureHealth(command, home);
      health.push(h.ms);
      if (h.rss !== undefined) rss.push(h.rss);
      version.push(await measureVersion(command));
    }
    return {
      label, command, runs, health: stats(health), version: stats(version),
      sizeBytes: binary ? (await stat(binary)).size : undefined,
      rssMiB: rss.length ? stats(rss).median : undefined,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** A Markdown table of results. */
export function table(results: StartupResult[]): string {
  const f = (n: number) => n.toFixed(1);
  const rows = results.map((r) =>
    `| ${r.label} | ${r.sizeBytes ? (r.sizeBytes / 1024 / 1024).toFixed(1) + " MiB" : "—"} | ${f(r.health.median)} | ${f(r.health.p90)} | ${f(r.health.min)} | ${f(r.version.median)} | ${r.rssMiB ? r.rssMiB.toFixed(0) + " MiB" : "—"} |`);
  return [
    "| build | size | spawn→/health median (ms) | p90 | min | `--version` median (ms) | RSS serving |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runs = Number(opt("runs") ?? 20);
  const out = join(REPO_ROOT, "bench", "out");
  await mkdir(out, { recursive: true });
  const results: StartupResult[] = [];
  const given = opt("binary") && resolve(opt("binary")!);
  if (given) {
    results.push(await measure(given, [given], runs, given));
  } else {
    const withBc = await compileBinary({ outfile: join(out, "startup", "modelmux-bytecode"), bytecode: true });
    const without = await compileBinary({ outfile: join(out, "startup", "modelmux-plain"), bytecode: false });
    results.push(await measure("compiled, --bytecode", [withBc], runs, withBc));
    results.push(await measure("compiled, no bytecode", [without], runs, without));
    results.push(await measure("bun src/main.ts (source)", [process.execPath, "--no-env-file", join(REPO_ROOT, "src", "main.ts")], runs));
  }
  const machine = `${process.platform}-${process.arch}, bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs`;
  await Bun.write(join(out, "startup.json"), JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2));
  console.log(`Start-up (${runs} runs each after a warm-up; ${machine})\n`);
  console.log(table(results));
}
