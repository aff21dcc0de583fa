/**
 * A tiny Prometheus registry with text exposition (format 0.0.4), written by hand: the hot path only
 * bumps plain numbers in a Map keyed by the joined label values; all string building happens at scrape
 * time. Histograms use fixed buckets chosen at construction.
 */

type Labels = readonly string[];

const SEP = "\u0001";

/** The series key of label values (hot path: no array join for the common 0–2 labels). */
function keyOf(values: readonly string[]): string {
  switch (values.length) {
    case 0:
      return "";
    case 1:
      return values[0] as string;
    case 2:
      return (values[0] as string) + SEP + (values[1] as string);
    default: {
      let k = values[0] as string;
      for (let i = 1; i < values.length; i++) k += SEP + (values[i] as string);
      return k;
    }
  }
}

/** Escapes a label value per the exposition format (backslash, double quote, newline). */
export function escapeLabelValue(v: string): string {
  let needs = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 34 || c === 10) {
      needs = true;
      break;
    }
  }
  return needs ? v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n") : v;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

function labelText(names: Labels, values: readonly string[], extra?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Anything the registry can render. */
export interface Collector {
  render(out: string[]): void;
}

abstract class Metric implements Collector {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: Labels,
  ) {}
  protected header(out: string[], type: string): void {
    out.push(`# HELP ${this.name} ${this.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
    out.push(`# TYPE ${this.name} ${type}`);
  }
  abstract render(out: string[]): void;
}

/** Whether two label-value lists are equal. */
function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const RECENT = 4;

/**
 * A metric's series by label values. Hot path: most requests update a series updated just before, so the
 * table remembers the last RECENT series it handed out (replaced round robin; a request updates the token
 * counter's input and output series in turn) and compares label values (a few string compares) before
 * building a key and hashing it.
 */
class SeriesTable<S extends { values: readonly string[] }> {
  private readonly byKey = new Map<string, S>();
  private readonly recent: S[] = [];
  private next = 0;

  constructor(private readonly make: (values: readonly string[]) => S) {}

  /** The series with these label values, made (with its own copy of them) on first use. */
  obtain(values: readonly string[]): S {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (sameValues((recent[i] as S).values, values)) return recent[i] as S;
    const key = keyOf(values);
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = this.make([...values]);
      this.byKey.set(key, s);
    }
    recent[this.next] = s;
    this.next = (this.next + 1) % RECENT;
    return s;
  }

  /** The series with these label values, if any (no side effects: tests, /health). */
  peek(values: readonly string[]): S | undefined {
    return this.byKey.get(keyOf(values));
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<S> {
    return this.byKey.values();
  }
}

/** A monotonically increasing counter, optionally labelled. */
export class Counter extends Metric {
  private readonly series = new SeriesTable((values) => ({ values, v: 0 }));

  /** Adds `n` (default 1) to the series with these label values (in labelNames order). */
  inc(values: readonly string[] = [], n = 1): void {
    this.series.obtain(values).v += n;
  }

  /** Current value of one series (tests, /health). */
  get(values: readonly string[] = []): number {
    return this.series.peek(values)?.v ?? 0;
  }

  render(out: string[]): void {
    this.header(out, "counter");
    // An unlabelled counter is always shown (as 0) so dashboards find it before the first event.
    if (this.series.size === 0 && this.labelNames.length === 0) out.push(`${this.name} 0`);
    for (const s of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, s.values)} ${formatNumber(s.v)}`);
  }
}

/** A value read at scrape time (in-flight requests, uptime...). */
export class Gauge extends Metric {
  constructor(
    name: string,
    help: string,
    private readonly read: () => Array<[readonly string[], number]> | number,
    labelNames: Labels = [],
  ) {
    super(name, help, labelNames);
  }

  render(out: string[]): void {
    this.header(out, "gauge");
    const v = this.read();
    if (typeof v === "number") out.push(`${this.name} ${formatNumber(v)}`);
    else for (const [values, n] of v) out.push(`${this.name}${labelText(this.labelNames, values)} ${formatNumber(n)}`);
  }
}

interface HistogramSeries {
  values: readonly string[];
  /** Per-bucket (non-cumulative) counts; the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram with fixed upper bounds (in the metric's unit, e.g. seconds). */
export class Histogram extends Metric {
  private readonly series: SeriesTable<HistogramSeries>;
  private readonly bounds: readonly number[];
  private readonly leText: readonly string[];

  constructor(name: string, help: string, buckets: readonly number[], labelNames: Labels = []) {
    super(name, help, labelNames);
    this.bounds = [...buckets].sort((a, b) => a - b);
    this.leText = this.bounds.map((b) => `le="${formatNumber(b)}"`);
    const slots = this.bounds.length + 1;
    this.series = new SeriesTable((values) => ({ values, counts: new Array<number>(slots).fill(0), sum: 0, count: 0 }));
  }

  /** Records one observation. */
  observe(value: number, values: readonly string[] = []): void {
    const s = this.series.obtain(values);
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    s.counts[i] = (s.counts[i] as number) + 1;
    s.sum += value;
    s.count++;
  }

  /** Number of observations in one series (tests). */
  count(values: readonly string[] = []): number {
    return this.series.peek(values)?.count ?? 0;
  }

  render(out: string[]): void {
    this.header(out, "histogram");
    const empty: HistogramSeries[] =
      this.series.size === 0 && this.labelNames.length === 0
        ? [{ values: [], counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }]
        : [];
    for (const s of this.series.size ? this.series.values() : empty) {
      let cum = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cum += s.counts[i] as number;
        out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, this.leText[i])} ${cum}`);
      }
      out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, 'le="+Inf"')} ${s.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, s.values)} ${formatNumber(s.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.values)} ${s.count}`);
    }
  }
}

/** The content type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Renders collectors in order as one exposition document. */
export function renderMetrics(collectors: readonly Collector[]): string {
  const out: string[] = [];
  for (const c of collectors) c.render(out);
  return out.join("\n") + "\n";
}
