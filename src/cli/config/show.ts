/**
 * `modelmux config show`: the effective config as annotated TOML (each value with the layer it came
 * from), secrets redacted. Works on partial and invalid configs: invalid values are shown next to the
 * value actually used, and every problem is listed at the end. `--json` for scripts. Exit 0 whenever
 * the config could be displayed (use `config validate` for a pass/fail exit code).
 */
import { defineCommand } from "citty";
import { type ConfigInspection, inspectConfig } from "../../config/index.ts";
import { KEYS, type KeySpec, SECTIONS } from "../../config/keys.ts";
import { getPath } from "../../config/merge.ts";
import { redact } from "../../observability/redact.ts";
import { c, countProblems, formatProblems, say } from "../output.ts";
import { assertKnownFlags, configArgs, guard, loadOptionsFrom } from "../shared-args.ts";

const args = { ...configArgs, json: { type: "boolean", description: "Machine-readable output" } } as const;

export const showCommand = defineCommand({
  meta: { name: "show", description: "Print the effective configuration and where each value comes from (secrets redacted)" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "config show"));
    const r = inspectConfig(loadOptionsFrom(a));
    if (a.json) say(JSON.stringify(toJson(r), null, 2));
    else say(...renderText(r));
  },
});

/** A display-safe copy of a value (secrets masked, API-key hashes shortened). */
export function displayValue(spec: KeySpec, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (spec.secret) return redact(typeof value === "string" ? value : JSON.stringify(value));
  if (spec.key === "auth.api_keys" && Array.isArray(value)) {
    return value.map((k: Record<string, unknown>) => ({ ...k, sha256: typeof k.sha256 === "string" ? `${k.sha256.slice(0, 8)}…` : k.sha256 }));
  }
  return value;
}

function toJson(r: ConfigInspection) {
  const values: Record<string, { value: unknown; source: string; invalid?: { value: unknown; source: string; message: string } }> = {};
  for (const spec of KEYS) {
    const top = r.top.get(spec.key);
    values[spec.key] = {
      value: displayValue(spec, getPath(r.config as unknown as Record<string, unknown>, spec.key)),
      source: r.sources[spec.key] ?? "unset",
      ...(top?.invalid ? { invalid: { value: displayValue(spec, top.value), source: top.source, message: top.invalid } } : {}),
    };
  }
  return { files: r.files, values, problems: r.problems, valid: !r.problems.some((p) => p.level === "error") };
}

function renderText(r: ConfigInspection): string[] {
  const lines: string[] = [c.dim("# modelmux effective configuration (secrets redacted)")];
  for (const f of r.files) lines.push(c.dim(`# ${f.kind.padEnd(6)} ${f.path} (${f.status})`));
  for (const section of SECTIONS) {
    lines.push("", c.bold(`[${section}]`));
    const specs = KEYS.filter((k) => k.key.startsWith(section + "."));
    const rows = specs.map((spec) => row(spec, r));
    const width = Math.min(48, Math.max(...rows.map((x) => x.text.length)));
    for (const x of rows) lines.push(x.unset ? c.dim(x.text) : `${x.text.padEnd(width)}  ${c.dim("# " + x.source)}${x.note}`);
  }
  lines.push("");
  if (r.problems.length) {
    lines.push(c.bold(`Problems (${countProblems(r.problems)}):`), ...formatProblems(r.problems));
  } else lines.push(`${c.green("✓")} no problems found`);
  return lines;
}

function row(spec: KeySpec, r: ConfigInspection): { text: string; source: string; note: string; unset?: boolean } {
  const name = spec.key.split(".")[1]!;
  const value = getPath(r.config as unknown as Record<string, unknown>, spec.key);
  const source = r.sources[spec.key] ?? "unset";
  const top = r.top.get(spec.key);
  const note = top?.invalid ? `  ${c.red(`✗ ${top.source} gave ${tomlValue(displayValue(spec, top.value))}: ${top.invalid}`)}` : "";
  if (value === undefined) return { text: `# ${name} = (not set)`, source, note, unset: !note };
  if (spec.key === "streaming.rules" && source === "default") {
    return { text: `# ${name} = ${(value as unknown[]).length} built-in User-Agent rules`, source, note, unset: true };
  }
  return { text: `${name} = ${tomlValue(displayValue(spec, value))}`, source, note };
}

/** TOML source for a value (strings quoted, arrays and inline tables). */
export function tomlValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (v && typeof v === "object") {
    return `{ ${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).map(([k, x]) => `${k} = ${tomlValue(x)}`).join(", ")} }`;
  }
  return String(v);
}
