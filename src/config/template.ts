/**
 * Writing config files: a commented TOML document where the given values are set and every other key
 * appears commented out with its doc line, so the file documents itself. Used by `config init` (the
 * answers) and `config edit` (a fresh template).
 */
import { KEYS, type KeySpec, SECTIONS } from "./keys.ts";

const TABLE_EXAMPLES: Record<string, string[]> = {
  "auth.api_keys": [
    "# API keys clients must send (Authorization: Bearer <key>); only the SHA-256 of each key is stored:",
    "# [[auth.api_keys]]",
    '# name = "laptop"',
    '# sha256 = "<hex SHA-256 of the key>"   # printf %s "$KEY" | sha256sum',
    '# models = ["claude-sonnet-4-5"]         # optional: allowed models (default all)',
  ],
  "vertex.models": [
    '# More models, picked by the request\'s "model" (case-insensitive); listed by GET /v1/models:',
    "# [[vertex.models]]",
    '# name = "opus"                          # what clients send',
    '# model = "claude-opus-4-1@20250805"     # the Vertex model id',
    '# region = "global"                      # optional: project, region, location, publisher override [vertex]',
  ],
  "streaming.rules": [
    "# User-Agent rules for mode = \"auto\" (replace the built-in list when set):",
    "# [[streaming.rules]]",
    '# pattern = "my-ide"                     # a User-Agent word, case-insensitive',
    '# mode = "buffered"                      # never, standard, buffered or always',
  ],
};

export interface TemplateOptions {
  /** Comment lines placed at the top (without `# `). */
  header?: string[];
}

/** Renders a config file. `values` maps `section.key` → value; unset keys are written commented out. */
export function renderConfigToml(values: Readonly<Record<string, unknown>>, opts: TemplateOptions = {}): string {
  const out: string[] = [];
  for (const h of opts.header ?? []) out.push(h ? `# ${h}` : "#");
  if (out.length) out.push("");
  for (const section of SECTIONS) {
    const specs = KEYS.filter((k) => k.key.startsWith(section + "."));
    out.push(`[${section}]`);
    for (const spec of specs.filter((s) => s.kind !== "table[]")) {
      const name = spec.key.split(".")[1]!;
      out.push(`# ${spec.doc}`);
      const v = values[spec.key];
      out.push(v === undefined ? `# ${name} = ${spec.example}` : `${name} = ${tomlLiteral(v)}`);
    }
    for (const spec of specs.filter((s) => s.kind === "table[]")) out.push("", ...tableBlock(spec, values[spec.key]));
    out.push("");
  }
  return out.join("\n");
}

function tableBlock(spec: KeySpec, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return TABLE_EXAMPLES[spec.key] ?? [`# ${spec.doc}`];
  const lines = [`# ${spec.doc}`];
  for (const entry of value as Array<Record<string, unknown>>) {
    lines.push(`[[${spec.key}]]`);
    for (const [k, v] of Object.entries(entry)) if (v !== undefined) lines.push(`${k} = ${tomlLiteral(v)}`);
  }
  return lines;
}

/** A TOML literal for a scalar or array value. */
export function tomlLiteral(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlLiteral).join(", ")}]`;
  if (v && typeof v === "object") {
    return `{ ${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).map(([k, x]) => `${k} = ${tomlLiteral(x)}`).join(", ")} }`;
  }
  throw new TypeError(`cannot write ${String(v)} as TOML`);
}
