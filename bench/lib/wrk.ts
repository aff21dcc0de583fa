/** Running Debian's `wrk` with bench/wrk-post.lua and reading its JSON summary line. */
import { join } from "node:path";

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
}

export interface WrkRun {
  url: string;
  bodyFile: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  threads?: number;
}

const SCRIPT = join(import.meta.dir, "..", "wrk-post.lua");

/** Whether `wrk` is on PATH. */
export function hasWrk(): boolean {
  return Bun.which("wrk") !== null;
}

/** Installs wrk with apt-get when running as root; returns whether it is available afterwards. */
export function ensureWrk(log: (s: string) => void): boolean {
  if (hasWrk()) return true;
  if (process.getuid?.() !== 0 || !Bun.which("apt-get")) return false;
  log("wrk not found: installing it with apt-get (Debian package `wrk`)…");
  const r = Bun.spawnSync(["sh", "-c", "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) log(r.stderr.toString().slice(-1000));
  return hasWrk();
}

/** One bounded wrk run (throws if wrk fails or prints no summary). */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const headerArgs = Object.entries(run.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  const cmd = [
    "wrk",
    `-t${run.threads ?? 1}`,
    `-c${run.connections}`,
    `-d${run.durationS}s`,
    "--timeout",
    "10s",
    "-s",
    SCRIPT,
    run.url,
    "--",
    run.bodyFile,
    ...headerArgs,
  ];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) throw new Error(`wrk printed no summary (exit ${proc.exitCode}): ${err || out}`);
  const j = JSON.parse(line.slice(8));
  return { requests: j.requests, durationUs: j.duration_us, bytes: j.bytes, errors: j.errors, latency: j.latency };
}

/** Total failed requests in a run (socket errors + non-2xx/3xx answers). */
export function errorCount(r: WrkResult): number {
  const e = r.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}
