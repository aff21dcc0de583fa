/** The benchmark's result record (also written as JSON to bench/out/) and the medians over rounds. */
import type { LatencySample, LoadSample, SoakResult, TtfbSample } from "./measure.ts";
import type { ModeName } from "./scenarios.ts";
import { median } from "./table.ts";
import type { TargetKey } from "./targets.ts";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  bun: string;
  wrk: string;
  commit: string;
}

export interface Results {
  date: string;
  command: string;
  machine: MachineInfo;
  settings: { rounds: number; durationS: number; connections: number; chunking: string; unloadedS: number; ttfbCount: number };
  targets: TargetKey[];
  modes: ModeName[];
  notes: string[];
  load: Partial<Record<TargetKey, Partial<Record<ModeName, LoadSample[]>>>>;
  unloaded: Partial<Record<TargetKey, LatencySample[]>>;
  ttfb: Partial<Record<TargetKey, TtfbSample[]>>;
  /** RSS (kB) once started and answering /health, after one request of each mode, and after the loaded runs (settled). */
  idleRssKb: Partial<Record<TargetKey, number>>;
  warmRssKb: Partial<Record<TargetKey, number>>;
  afterLoadRssKb: Partial<Record<TargetKey, number>>;
  soak?: SoakResult & { target: TargetKey };
  /** Start-up of the compiled binary until /health answers (bench/startup.ts, demo provider). */
  startup?: { medianMs: number; p90Ms: number; minMs: number; runs: number; rssMiB?: number; sizeBytes?: number };
  micro: string;
}

/** One (target, mode) over all rounds: a LoadSample without the request count. */
export type LoadSummary = Omit<LoadSample, "requests">;

/** Medians over rounds (peak RSS: the highest; errors: the sum). */
export function summarizeLoad(samples: LoadSample[] | undefined): LoadSummary | undefined {
  if (!samples?.length) return undefined;
  return {
    rps: median(samples.map((s) => s.rps)),
    p50Us: median(samples.map((s) => s.p50Us)),
    p99Us: median(samples.map((s) => s.p99Us)),
    cpuUs: median(samples.map((s) => s.cpuUs)),
    upstreamCpuUs: median(samples.map((s) => s.upstreamCpuUs)),
    peakRssKb: Math.max(...samples.map((s) => s.peakRssKb)),
    errors: samples.reduce((n, s) => n + s.errors, 0),
  };
}

/** Median unloaded p50/p99 over rounds. */
export function summarizeUnloaded(samples: LatencySample[] | undefined): { p50Us: number; p99Us: number } | undefined {
  if (!samples?.length) return undefined;
  return { p50Us: median(samples.map((s) => s.p50Us)), p99Us: median(samples.map((s) => s.p99Us)) };
}

/** Median time to first event / to the end over rounds. */
export function summarizeTtfb(samples: TtfbSample[] | undefined): TtfbSample | undefined {
  if (!samples?.length) return undefined;
  return { firstDataUs: median(samples.map((s) => s.firstDataUs)), totalUs: median(samples.map((s) => s.totalUs)) };
}

/**
 * Soak verdict: no growth = the RSS over the second half never exceeds the first half's peak by more than
 * 5 % + 4 MB. `grows` is undefined (no verdict) with fewer than two samples: there is no second half.
 */
export function soakGrowth(s: SoakResult): { firstHalfPeakKb: number; secondHalfPeakKb: number; grows: boolean | undefined } {
  const rss = s.samples.map((x) => x[1]);
  const half = Math.max(1, Math.floor(rss.length / 2));
  const first = Math.max(...rss.slice(0, half));
  const second = Math.max(...rss.slice(half));
  return { firstHalfPeakKb: first, secondHalfPeakKb: second, grows: rss.length < 2 ? undefined : second > first * 1.05 + 4096 };
}
