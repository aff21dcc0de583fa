/**
 * One layer = the values one source provides (a TOML file, the environment, a .env file, CLI flags),
 * already typed, each remembering its source label, plus the problems found while reading it. Invalid
 * values stay in the layer (marked) so `config show` can display what is wrong.
 */
import { dirname } from "node:path";
import { parse, TomlError } from "smol-toml";
import { coerceValue } from "./coerce.ts";
import { envName, FILE_KEY_ALIASES, KEY_INDEX, KEYS, type KeySpec, META_ENV, SECTIONS, sectionKeys } from "./keys.ts";
import { type Env, expandPath } from "./paths.ts";
import { suggest } from "./suggest.ts";

export interface ConfigProblem {
  level: "error" | "warning";
  /** `section.key`, or a file/variable name when no key applies. */
  key: string;
  /** Where the value came from, e.g. `env MODELMUX_SERVER_PORT`, `/etc/modelmux/config.toml`. */
  source: string;
  message: string;
  /** What to do about it. */
  fix?: string;
}

export interface LayerEntry {
  value: unknown;
  source: string;
  /** Set when the value is unusable; the message says why. */
  invalid?: string;
}

export type LayerKind = "default" | "system" | "user" | "file" | "dotenv" | "env" | "flags";

export interface Layer {
  kind: LayerKind;
  label: string;
  entries: Map<string, LayerEntry>;
  problems: ConfigProblem[];
}

export interface ExpandContext {
  env: Env;
  home?: string;
}

/** Parses a TOML config file's text into a layer. `path` labels every value. */
export function fileLayer(kind: LayerKind, path: string, text: string, ctx: ExpandContext): Layer {
  const layer: Layer = { kind, label: path, entries: new Map(), problems: [] };
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    const where = e instanceof TomlError ? ` at line ${e.line}, column ${e.column}` : "";
    const first = e instanceof Error ? e.message.split("\n")[0] : String(e);
    layer.problems.push({
      level: "error",
      key: "(file)",
      source: path,
      message: `not valid TOML${where}: ${first}`,
      fix: `fix the syntax in ${path} (strings need quotes, tables are written [section])${e instanceof TomlError ? "\n" + e.codeblock : ""}`,
    });
    return layer;
  }
  for (const [section, body] of Object.entries(doc)) {
    if (!(SECTIONS as readonly string[]).includes(section)) {
      layer.problems.push(unknownTopLevel(section, body, path));
      continue;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      layer.problems.push({ level: "error", key: section, source: path, message: `[${section}] must be a table`, fix: `write it as a [${section}] header followed by key = value lines` });
      continue;
    }
    for (const [k, raw] of Object.entries(body as Record<string, unknown>)) {
      let key = `${section}.${k}`;
      const alias = FILE_KEY_ALIASES[key];
      if (alias) {
        layer.problems.push({ level: "warning", key, source: path, message: `"${k}" is a deprecated spelling`, fix: `rename it to "${alias.split(".")[1]}"` });
        key = alias;
      }
      const spec = KEY_INDEX.get(key);
      if (!spec) {
        const names = sectionKeys(section).map((s) => s.key.split(".")[1]!);
        const hint = suggest(k, names);
        layer.problems.push({
          level: "error",
          key,
          source: path,
          message: `unknown key "${k}" in [${section}]${hint ? ` (did you mean "${hint}"?)` : ""}`,
          fix: hint ? `rename it to ${hint}` : `remove it; valid keys in [${section}]: ${names.join(", ")}`,
        });
        continue;
      }
      addValue(layer, spec, raw, false, path, { ...ctx, base: dirname(path) });
    }
  }
  return layer;
}

function unknownTopLevel(name: string, body: unknown, path: string): ConfigProblem {
  const isTable = body !== null && typeof body === "object" && !Array.isArray(body);
  const home = isTable ? undefined : KEYS.find((s) => s.key.endsWith("." + name));
  if (home) {
    const section = home.key.split(".")[0]!;
    return { level: "error", key: name, source: path, message: `"${name}" is outside any section`, fix: `move it under [${section}]` };
  }
  const hint = suggest(name, SECTIONS);
  return {
    level: "error",
    key: name,
    source: path,
    message: `unknown ${isTable ? "section" : "key"} "${name}"${hint ? ` (did you mean [${hint}]?)` : ""}`,
    fix: hint ? `rename it to [${hint}]` : `remove it; sections are ${SECTIONS.map((s) => `[${s}]`).join(", ")}`,
  };
}

/** Reads MODELMUX_<SECTION>_<KEY> and the compatibility names from a set of variables. */
export function envLayer(kind: "env" | "dotenv", vars: Env, ctx: ExpandContext & { cwd: string; prefix: string }): Layer {
  const layer: Layer = { kind, label: ctx.prefix, entries: new Map(), problems: [] };
  for (const spec of KEYS) {
    for (const name of [envName(spec.key), ...(spec.envAliases ?? [])]) {
      const v = vars[name];
      if (v === undefined || v === "") continue; // empty = unset (systemd/docker convention)
      const raw = name === "GCP_SERVICE_ACCOUNT_KEY" ? decodeMaybeBase64(v) : v;
      addValue(layer, spec, raw, true, `${ctx.prefix} ${name}`, { ...ctx, base: ctx.cwd });
      break;
    }
  }
  const known = new Set([...KEYS.map((s) => envName(s.key)), ...Object.values(META_ENV)]);
  for (const name of Object.keys(vars)) {
    if (!name.startsWith("MODELMUX_") || known.has(name)) continue;
    const hint = suggest(name, [...known]);
    layer.problems.push({
      level: "warning",
      key: name,
      source: `${ctx.prefix} ${name}`,
      message: `unknown variable ${name} is ignored${hint ? ` (did you mean ${hint}?)` : ""}`,
      fix: hint ? `rename it to ${hint}` : "remove it (see `modelmux --help` for the variables)",
    });
  }
  return layer;
}

/** A layer from explicit overrides (CLI flags). */
export function overridesLayer(items: Array<{ key: string; value: string; source: string }>, ctx: ExpandContext & { cwd: string }): Layer {
  const layer: Layer = { kind: "flags", label: "flags", entries: new Map(), problems: [] };
  for (const it of items) {
    const spec = KEY_INDEX.get(it.key);
    if (spec) addValue(layer, spec, it.value, true, it.source, { ...ctx, base: ctx.cwd });
  }
  return layer;
}

function addValue(layer: Layer, spec: KeySpec, raw: unknown, text: boolean, source: string, ctx: ExpandContext & { base: string }): void {
  const r = coerceValue(spec, raw, text);
  if (!r.ok) {
    layer.entries.set(spec.key, { value: raw, source, invalid: r.message });
    layer.problems.push({ level: "error", key: spec.key, source, message: r.message, fix: fixFor(spec, source) });
    return;
  }
  const value = spec.kind === "path" ? expandPath(r.value as string, { env: ctx.env, home: ctx.home, base: ctx.base }) : r.value;
  layer.entries.set(spec.key, { value, source });
}

/** A concrete "how to fix" line for a key, phrased for where the value came from. */
export function fixFor(spec: KeySpec, source: string): string {
  const [section, name] = spec.key.split(".") as [string, string];
  if (source.startsWith("flag ")) return `pass ${source.slice(5)} with a value like ${spec.example.replace(/^"|"$/g, "")}`;
  if (source.startsWith("env ") || source.startsWith(".env ")) {
    const v = source.split(" ")[1];
    return `set ${v}=${spec.example.replace(/^"|"$/g, "")}${source.startsWith(".env") ? " in .env" : ""}`;
  }
  if (source === "default") return `set ${name} under [${section}] in your config file (or ${envName(spec.key)})`;
  return `in ${source}, under [${section}]: ${name} = ${spec.example}`;
}

function decodeMaybeBase64(v: string): string {
  const t = v.trim();
  if (t.startsWith("{")) return t;
  try {
    return Buffer.from(t, "base64").toString("utf8");
  } catch {
    return t;
  }
}
