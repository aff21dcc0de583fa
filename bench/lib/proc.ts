/**
 * Child processes for the benchmark: spawning a server that announces its URL, and reading its CPU time
 * and memory from /proc (Linux). CPU is utime+stime of the whole process (all threads, including exited
 * ones) in clock ticks; memory is VmRSS (now) and VmHWM (peak, resettable through clear_refs).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) is 100 on every Linux this runs on.

export interface Child {
  name: string;
  url: string;
  pid: number;
  proc: Subprocess;
  /** Milliseconds from spawn to the first answered readiness check. */
  startMs: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  cmd: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Known URL (the process is polled at `${url}${readyPath}`); otherwise read `listening URL` from stdout. */
  url?: string;
  readyPath?: string;
  timeoutMs?: number;
}

/** Spawns a server and waits until it answers (or prints `listening URL`). */
export async function spawnServer(opts: SpawnOptions): Promise<Child> {
  const t0 = performance.now();
  const proc = Bun.spawn(opts.cmd, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdout: "pipe",
    stderr: "pipe",
  });
  const errText = collect(proc.stderr as ReadableStream<Uint8Array>);
  const deadline = t0 + (opts.timeoutMs ?? 15_000);
  let url = opts.url;
  try {
    if (!url) {
      url = await readListeningLine(proc.stdout as ReadableStream<Uint8Array>, deadline);
    } else {
      void collect(proc.stdout as ReadableStream<Uint8Array>);
      await waitReady(url + (opts.readyPath ?? "/health"), deadline, proc);
    }
  } catch (e) {
    proc.kill();
    throw new Error(`${opts.name} did not start: ${(e as Error).message}\n${(await Promise.race([errText, Bun.sleep(500).then(() => "")])).slice(-2000)}`);
  }
  const startMs = performance.now() - t0;
  return {
    name: opts.name,
    url,
    pid: proc.pid,
    proc,
    startMs,
    async stop() {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
    },
  };
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const dec = new TextDecoder();
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
    out += dec.decode(c, { stream: true });
    if (out.length > 100_000) out = out.slice(-50_000);
  }
  return out;
}

async function readListeningLine(stream: ReadableStream<Uint8Array>, deadline: number): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = "";
  while (performance.now() < deadline) {
    const r = await Promise.race([reader.read(), Bun.sleep(deadline - performance.now()).then(() => undefined)]);
    if (!r || r.done) break;
    buf += dec.decode(r.value, { stream: true });
    const m = /listening (\S+)/.exec(buf);
    if (m) {
      reader.releaseLock();
      void collect(stream);
      return m[1]!;
    }
  }
  throw new Error(`no "listening URL" line (got: ${buf.slice(0, 500)})`);
}

/** Polls `url` until it answers 200 (every ~1 ms, so start-up times are measured closely). */
export async function waitReady(url: string, deadline: number, proc?: Subprocess): Promise<void> {
  for (;;) {
    if (proc?.exitCode !== null && proc?.exitCode !== undefined) throw new Error(`exited with code ${proc.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer in time`);
    await Bun.sleep(1);
  }
}

/** CPU time (user + system) consumed so far by a process, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name (which may contain spaces): state is field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLK_TCK;
}

export interface Memory {
  rssKb: number;
  hwmKb: number;
}

/** Current and peak resident memory of a process. */
export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** Resets the peak (VmHWM) to the current RSS; returns false where the kernel does not allow it. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; fine for a benchmark on an otherwise idle machine). */
export function freePort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}
