/** The measurements: loaded wrk runs with CPU/RSS accounting, unloaded latency and TTFB probes, a soak. */
import type { Child } from "./proc.ts";
import { cpuMicros, memory, resetPeak } from "./proc.ts";
import { openProbe, rawPost } from "./probe.ts";
import type { ModeName } from "./scenarios.ts";
import { median } from "./table.ts";
import type { Target } from "./targets.ts";
import { errorCount, runWrk } from "./wrk.ts";

export interface LoadSample {
  rps: number;
  p50Us: number;
  p99Us: number;
  /** CPU µs the target process spent per completed request. */
  cpuUs: number;
  /** CPU µs the fake upstream spent per request during the same run. */
  upstreamCpuUs: number;
  peakRssKb: number;
  errors: number;
  requests: number;
}

/** One loaded run against a target: wrk with `connections` for `durationS`, CPU and peak RSS around it. */
export async function loadRun(t: Target, fake: Child, mode: ModeName, connections: number, durationS: number): Promise<LoadSample> {
  const pid = t.child.pid;
  resetPeak(pid);
  const cpu0 = cpuMicros(pid);
  const fake0 = cpuMicros(fake.pid);
  const r = await runWrk({ url: t.url(mode), bodyFile: t.bodyFile(mode), headers: t.headers, connections, durationS });
  const cpu1 = cpuMicros(pid);
  const fake1 = cpuMicros(fake.pid);
  const mem = memory(pid);
  const n = Math.max(1, r.requests);
  return {
    rps: r.requests / (r.durationUs / 1e6),
    p50Us: r.latency.p50,
    p99Us: r.latency.p99,
    cpuUs: (cpu1 - cpu0) / n,
    upstreamCpuUs: t.child.pid === fake.pid ? 0 : (fake1 - fake0) / n,
    peakRssKb: mem.hwmKb,
    errors: errorCount(r),
    requests: r.requests,
  };
}

export interface LatencySample {
  p50Us: number;
  p99Us: number;
  requests: number;
}

/** Unloaded latency: one connection, one request at a time. */
export async function unloadedRun(t: Target, mode: ModeName, durationS: number): Promise<LatencySample> {
  const r = await runWrk({ url: t.url(mode), bodyFile: t.bodyFile(mode), headers: t.headers, connections: 1, durationS });
  if (errorCount(r) > 0) throw new Error(`unloaded run on ${t.key}/${mode} had ${errorCount(r)} errors`);
  return { p50Us: r.latency.p50, p99Us: r.latency.p99, requests: r.requests };
}

export interface TtfbSample {
  /** Median µs to the first SSE `data:` line. */
  firstDataUs: number;
  /** Median µs to the end of the response. */
  totalUs: number;
}

/** Sequential streaming requests over one raw connection; medians of the time to first event and to the end. */
export async function ttfbRun(t: Target, mode: ModeName, count: number): Promise<TtfbSample> {
  const conn = await openProbe(t.url(mode));
  const raw = rawPost(t.url(mode), t.body(mode), t.headers);
  const first: number[] = [];
  const total: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const r = await conn.send(raw);
      if (r.status !== 200) throw new Error(`TTFB probe on ${t.key} got HTTP ${r.status}`);
      first.push(r.firstDataUs);
      total.push(r.totalUs);
    }
  } finally {
    conn.close();
  }
  return { firstDataUs: median(first), totalUs: median(total) };
}

export interface SoakResult {
  requests: number;
  errors: number;
  /** [requests so far, RSS kB] after each chunk. */
  samples: Array<[number, number]>;
  /** RSS after the first chunk (warm) and at the end. */
  warmRssKb: number;
  finalRssKb: number;
}

/** Loads a target with chunks of json and stream20 traffic until `total` requests (and at least four chunks), sampling RSS after each chunk. */
export async function soak(t: Target, total: number, connections: number, chunkS: number, maxS: number): Promise<SoakResult> {
  const samples: Array<[number, number]> = [];
  let requests = 0;
  let errors = 0;
  const t0 = performance.now();
  // At least four chunks (two of each mode), so both halves of the growth verdict have samples even when
  // a fast machine serves `total` requests in the first chunk.
  for (let i = 0; (requests < total || i < 4) && performance.now() - t0 < maxS * 1000; i++) {
    const mode: ModeName = i % 2 === 0 ? "json" : "stream20";
    const r = await runWrk({ url: t.url(mode), bodyFile: t.bodyFile(mode), headers: t.headers, connections, durationS: chunkS });
    requests += r.requests;
    errors += errorCount(r);
    samples.push([requests, memory(t.child.pid).rssKb]);
  }
  const rss = samples.map((s) => s[1]);
  return { requests, errors, samples, warmRssKb: rss[0] ?? NaN, finalRssKb: rss[rss.length - 1] ?? NaN };
}
