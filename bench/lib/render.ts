/** Turns a Results record into the Markdown tables printed by the runner and written to bench/RESULTS.md. */
import { type Results, soakGrowth, summarizeLoad, summarizeTtfb, summarizeUnloaded } from "./results.ts";
import { MODE_LABEL, type ModeName } from "./scenarios.ts";
import { fmt, ratio, table } from "./table.ts";
import { TARGET_LABEL, type TargetKey } from "./targets.ts";

const MB = (kb: number | undefined) => (kb === undefined ? "–" : fmt(kb / 1024, 1));
const MS = (us: number | undefined) => (us === undefined ? "–" : fmt(us / 1000, 2));

/** The machine/date/command header. */
export function renderHeader(r: Results): string {
  const m = r.machine;
  const s = r.settings;
  return [
    `- Date: ${r.date}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGb, 0)} GB RAM, Linux ${m.kernel}`,
    `- Software: Bun ${m.bun}, ${m.wrk}, modelmux at ${m.commit}`,
    `- Command: \`${r.command}\``,
    `- Loaded runs: wrk, 1 thread, ${s.connections} connections, ${s.durationS} s each, ${s.rounds} interleaved round(s), medians; ` +
      `the fake upstream sends SSE answers ${s.chunking === "whole" ? "in one write" : "one event per write"}.`,
  ].join("\n");
}

/** One table per mode: throughput, latency, CPU per request, peak RSS, with ratios to the pass-through. */
export function renderLoad(r: Results): string {
  const out: string[] = [];
  for (const mode of r.modes) {
    const b = summarizeLoad(r.load.b?.[mode]);
    const rows: string[][] = [];
    for (const key of r.targets) {
      const s = summarizeLoad(r.load[key]?.[mode]);
      if (!s) continue;
      rows.push([
        TARGET_LABEL[key],
        fmt(s.rps),
        b ? ratio(s.rps, b.rps) : "–",
        MS(s.p50Us),
        MS(s.p99Us),
        fmt(s.cpuUs, 0),
        b && key !== "a" ? ratio(s.cpuUs, b.cpuUs) : "–",
        MB(s.peakRssKb),
        String(s.errors),
      ]);
    }
    out.push(`### ${MODE_LABEL[mode]}\n`);
    out.push(table(["target", " req/s", " ×(b)", " p50 ms", " p99 ms", " CPU µs/req", " ×(b)", " peak RSS MB", " errors"], rows));
    out.push("");
  }
  out.push("(a)'s CPU and RSS are the fake upstream's own. CPU µs/req = utime+stime of the target process over the run ÷ requests.");
  return out.join("\n");
}

/** Unloaded figures: latency on one connection, added latency, time to first event, RSS. */
export function renderUnloaded(r: Results): string {
  const a = summarizeUnloaded(r.unloaded.a);
  const b = summarizeUnloaded(r.unloaded.b);
  const ta = summarizeTtfb(r.ttfb.a);
  const rows: string[][] = [];
  for (const key of r.targets) {
    const u = summarizeUnloaded(r.unloaded[key]);
    const t = summarizeTtfb(r.ttfb[key]);
    rows.push([
      TARGET_LABEL[key],
      fmt(u?.p50Us),
      fmt(u?.p99Us),
      a && u && key !== "a" ? fmt(u.p50Us - a.p50Us) : "–",
      b && u && key !== "a" && key !== "b" ? fmt(u.p50Us - b.p50Us) : "–",
      fmt(t?.firstDataUs),
      ta && t && key !== "a" ? fmt(t.firstDataUs - ta.firstDataUs) : "–",
      MB(r.idleRssKb[key]),
      MB(r.warmRssKb[key]),
      MB(r.afterLoadRssKb[key]),
    ]);
  }
  return (
    table(
      ["target", " p50 µs", " p99 µs", " +p50 vs (a)", " +p50 vs (b)", " TTFB µs", " +TTFB vs (a)", " idle RSS MB", " warm RSS MB", " RSS after load MB"],
      rows,
    ) +
    "\n\nLatency: non-streaming, one connection, one request at a time (wrk -c1). TTFB: streaming (20 deltas), time from " +
    "sending the request to the first `data:` line, median over sequential requests on one raw keep-alive connection. " +
    "Idle RSS: started and answering `/health`, no request served yet; warm: after one request of each mode; after load: after all loaded runs and a 2 s pause."
  );
}

/** The soak and start-up figures. */
export function renderSoakStartup(r: Results): string {
  const lines: string[] = [];
  if (r.soak) {
    const g = soakGrowth(r.soak);
    const pts = r.soak.samples.map(([n, kb]) => `${fmt(n / 1000, 0)}k: ${MB(kb)}`).join(", ");
    lines.push(
      `Soak on ${TARGET_LABEL[r.soak.target]}: ${fmt(r.soak.requests)} requests (json and stream20 alternating, ${r.settings.connections} connections), ` +
        `${r.soak.errors} errors. RSS MB after each chunk: ${pts}. Peak RSS first half ${MB(g.firstHalfPeakKb)} MB, second half ` +
        `${MB(g.secondHalfPeakKb)} MB → ${g.grows === undefined ? "not judged (one sample)" : g.grows ? "GROWS" : "no growth"}.`,
    );
  }
  const s = r.startup;
  if (s) {
    lines.push(
      `Start-up of the compiled binary (bench/startup.ts: spawn → first 200 from \`/health\`): median ${fmt(s.medianMs, 1)} ms, ` +
        `p90 ${fmt(s.p90Ms, 1)} ms, min ${fmt(s.minMs, 1)} ms over ${s.runs} runs; binary ${fmt((s.sizeBytes ?? NaN) / 1024 ** 2, 1)} MiB, ` +
        `RSS once serving ${fmt(s.rssMiB, 1)} MiB.`,
    );
  }
  return lines.join("\n\n");
}

interface Check {
  what: string;
  goal: string;
  value: (k: TargetKey) => number | undefined;
  show: (x: number) => string;
  pass: (x: number) => boolean;
  targets?: TargetKey[];
}

/** The targets, evaluated for (c) and (d). */
export function renderChecks(r: Results): { text: string; failed: string[] } {
  const load = (k: TargetKey, m: ModeName) => summarizeLoad(r.load[k]?.[m]);
  const rel = (m: ModeName, f: "rps" | "cpuUs") => (k: TargetKey) => {
    const x = load(k, m)?.[f];
    const b = load("b", m)?.[f];
    return x !== undefined && b !== undefined ? x / b : undefined;
  };
  const ttfbA = summarizeTtfb(r.ttfb.a)?.firstDataUs;
  const unB = summarizeUnloaded(r.unloaded.b)?.p50Us;
  const peak = (k: TargetKey) => {
    const xs = r.modes.map((m) => load(k, m)?.peakRssKb).filter((x): x is number => x !== undefined);
    return xs.length ? Math.max(...xs) / 1024 : undefined;
  };
  const x = (v: number) => `${v.toFixed(2)}×`;
  const checks: Check[] = [
    { what: "non-streaming req/s vs (b)", goal: "≥ 0.75×", value: rel("json", "rps"), show: x, pass: (v) => v >= 0.75 },
    { what: "non-streaming CPU/request vs (b)", goal: "≤ 1.6×", value: rel("json", "cpuUs"), show: x, pass: (v) => v <= 1.6 },
    { what: "streaming (20) req/s vs (b)", goal: "≥ 0.6×", value: rel("stream20", "rps"), show: x, pass: (v) => v >= 0.6 },
    {
      what: "added TTFB over direct (stream)",
      goal: "≤ 0.5 ms",
      value: (k) => {
        const t = summarizeTtfb(r.ttfb[k])?.firstDataUs;
        return t !== undefined && ttfbA !== undefined ? (t - ttfbA) / 1000 : undefined;
      },
      show: (v) => `${v.toFixed(3)} ms`,
      pass: (v) => v <= 0.5,
    },
    {
      what: "unloaded added p50 over (b)",
      goal: "≤ 0.1 ms",
      value: (k) => {
        const u = summarizeUnloaded(r.unloaded[k])?.p50Us;
        return u !== undefined && unB !== undefined ? (u - unB) / 1000 : undefined;
      },
      show: (v) => `${v.toFixed(3)} ms`,
      pass: (v) => v <= 0.1,
    },
    { what: "idle RSS", goal: "≤ 50 MB", value: (k) => (r.idleRssKb[k] ?? NaN) / 1024, show: (v) => `${v.toFixed(1)} MB`, pass: (v) => v <= 50 },
    { what: `peak RSS under ${r.settings.connections}-connection load`, goal: "≤ 120 MB", value: peak, show: (v) => `${v.toFixed(1)} MB`, pass: (v) => v <= 120 },
    {
      what: "RSS over the soak",
      goal: "no growth",
      value: (k) => {
        const grows = r.soak?.target === k ? soakGrowth(r.soak).grows : undefined;
        return grows === undefined ? undefined : grows ? 1 : 0;
      },
      show: (v) => (v ? "grows" : "flat"),
      pass: (v) => v === 0,
    },
    {
      what: "binary start-up to /health",
      goal: "≤ 100 ms",
      value: (k) => (k === "d" ? r.startup?.medianMs : undefined),
      show: (v) => `${v.toFixed(1)} ms`,
      pass: (v) => v <= 100,
    },
  ];
  const cols = (["c", "d", "e"] as TargetKey[]).filter((k) => r.targets.includes(k));
  const failed: string[] = [];
  const rows = checks.map((c) => [
    c.what,
    c.goal,
    ...cols.map((k) => {
      const v = c.value(k);
      if (v === undefined || !Number.isFinite(v)) return "–";
      const ok = c.pass(v);
      if (!ok) failed.push(`${c.what} (${k}): ${c.show(v)}, goal ${c.goal}`);
      return `${c.show(v)} ${ok ? "✅" : "❌"}`;
    }),
  ]);
  return { text: table(["target", "goal", ...cols.map((k) => ` ${TARGET_LABEL[k].slice(0, 3)}`)], rows), failed };
}

/** The whole report. */
export function renderAll(r: Results): { text: string; failed: string[] } {
  const checks = renderChecks(r);
  const parts = [
    renderHeader(r),
    "## Against the targets (ratios to the pass-through proxy)\n\n" + checks.text,
    "## Under load\n\n" + renderLoad(r),
    "## Unloaded\n\n" + renderUnloaded(r),
    "## Soak and start-up\n\n" + renderSoakStartup(r),
  ];
  if (r.notes.length) parts.push("## Notes\n\n" + r.notes.map((n) => `- ${n}`).join("\n"));
  if (r.micro) parts.push("## Micro-benchmarks (pure parts, ns/op)\n\n```\n" + r.micro.trim() + "\n```");
  return { text: parts.join("\n\n"), failed: checks.failed };
}
