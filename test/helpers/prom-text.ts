/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests: every line must be a
 * HELP/TYPE comment or a sample `name{label="value",…} number`; TYPE must precede its samples; histogram
 * buckets must be cumulative and end with +Inf equal to _count. Throws on the first violation.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses an exposition document into metric families keyed by name. */
export function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, Family>();
  const familyOf = (sample: string) => {
    for (const suffix of ["_bucket", "_sum", "_count", ""]) {
      if (suffix && !sample.endsWith(suffix)) continue;
      const f = families.get(suffix ? sample.slice(0, -suffix.length) : sample);
      if (f && (suffix === "" || f.type === "histogram" || f.type === "summary")) return f;
    }
    return undefined;
  };
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line.startsWith("# HELP ")) {
      const [, name] = /^# HELP (\S+) ?(.*)$/.exec(line) ?? [];
      if (!name || !NAME.test(name)) throw new Error(`bad HELP ${where}`);
      const f = families.get(name) ?? { name, type: "untyped", samples: [] };
      f.help = line.slice(`# HELP ${name} `.length);
      families.set(name, f);
      return;
    }
    if (line.startsWith("# TYPE ")) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (!m || !NAME.test(m[1]!) || !TYPES.has(m[2]!)) throw new Error(`bad TYPE ${where}`);
      const f = families.get(m[1]!) ?? { name: m[1]!, type: m[2]!, samples: [] };
      if (f.samples.length) throw new Error(`TYPE after samples ${where}`);
      f.type = m[2]!;
      families.set(m[1]!, f);
      return;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected comment/blank ${where}`);
    const s = parseSample(line, where);
    const f = familyOf(s.name);
    if (!f) throw new Error(`sample without TYPE ${where}`);
    f.samples.push(s);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
  if (!m) throw new Error(`bad sample ${where}`);
  const labels: Record<string, string> = {};
  if (m[2]) {
    let rest = m[2].slice(1, -1);
    while (rest.length) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/.exec(rest);
      if (!lm || !LABEL.test(lm[1]!)) throw new Error(`bad labels ${where}`);
      labels[lm[1]!] = lm[2]!.replace(/\\(n|"|\\)/g, (_, c) => (c === "n" ? "\n" : c));
      rest = rest.slice(lm[0].length);
    }
  }
  const raw = m[3]!;
  const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw === "NaN" ? NaN : Number(raw);
  if (Number.isNaN(value) && raw !== "NaN") throw new Error(`bad value ${where}`);
  return { name: m[1]!, labels, value };
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(s);
  }
  for (const [key, ss] of groups) {
    const buckets = ss.filter((s) => s.name === `${f.name}_bucket`);
    const count = ss.find((s) => s.name === `${f.name}_count`);
    if (!buckets.length || !count || !ss.some((s) => s.name === `${f.name}_sum`)) throw new Error(`${f.name}${key}: incomplete histogram`);
    let prev = -Infinity;
    let prevLe = -Infinity;
    for (const b of buckets) {
      const le = b.labels.le === "+Inf" ? Infinity : Number(b.labels.le);
      if (!(le > prevLe) || b.value < prev) throw new Error(`${f.name}${key}: buckets not cumulative/ordered`);
      prev = b.value;
      prevLe = le;
    }
    if (prevLe !== Infinity || prev !== count.value) throw new Error(`${f.name}${key}: +Inf bucket must equal _count`);
  }
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sampleSum(families: Map<string, Family>, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
  }
  return sum;
}
