/**
 * Turning one raw value (a TOML value, or text from env/.env/flags) into a typed config value, or a
 * precise complaint. Text accepts what people type in shells: `yes`/`on`/`1` booleans, comma lists or
 * JSON arrays, case-insensitive enums.
 */
import { apiKeysFromList } from "./api-keys.ts";
import type { FieldSpec, KeySpec } from "./keys.ts";
import { suggest } from "./suggest.ts";

export type Coerced = { ok: true; value: unknown; warning?: string } | { ok: false; message: string };

const TRUE = new Set(["true", "yes", "1", "on", "enabled"]);
const FALSE = new Set(["false", "no", "0", "off", "disabled"]);

/** Converts `raw` for `spec`. `text` = the value came from env/.env/flags (a string to parse). */
export function coerceValue(spec: KeySpec, raw: unknown, text: boolean): Coerced {
  switch (spec.kind) {
    case "string":
    case "path":
      return typeof raw === "string" ? { ok: true, value: raw } : fail(`must be a string, got ${describe(raw)}`);
    case "url":
      return coerceUrl(raw);
    case "int":
      return coerceInt(raw, text, spec.min, spec.max);
    case "bool":
      return coerceBool(raw, text);
    case "enum":
      return coerceEnum(raw, spec.values ?? [], spec.valueAliases);
    case "string[]":
      return coerceStringList(raw, text);
    case "table[]":
      // MODELMUX_AUTH_API_KEYS also takes a simple list of plain keys (hashed here, never kept).
      if (spec.key === "auth.api_keys" && text && typeof raw === "string" && !raw.trim().startsWith("[")) {
        return { ok: true, value: apiKeysFromList(raw) };
      }
      return coerceTables(raw, text, spec.fields ?? {});
  }
}

function fail(message: string): Coerced {
  return { ok: false, message };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  if (typeof v === "object") return "a table";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function coerceInt(raw: unknown, text: boolean, min?: number, max?: number): Coerced {
  let n: number;
  if (typeof raw === "number") n = raw;
  else if (typeof raw === "bigint") n = Number(raw);
  else if (text && typeof raw === "string" && /^\s*[+-]?\d[\d_]*\s*$/.test(raw)) n = Number(raw.trim().replaceAll("_", ""));
  else return fail(`must be a whole number${range(min, max)}, got ${describe(raw)}`);
  if (!Number.isSafeInteger(n)) return fail(`must be a whole number${range(min, max)}, got ${String(raw)}`);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) return fail(`must be a whole number${range(min, max)}, got ${n}`);
  return { ok: true, value: n };
}

function range(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min === 0) return " ≥ 0";
  if (min !== undefined) return ` ≥ ${min}`;
  return "";
}

function coerceBool(raw: unknown, text: boolean): Coerced {
  if (typeof raw === "boolean") return { ok: true, value: raw };
  if (text && typeof raw === "string") {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return { ok: true, value: true };
    if (FALSE.has(v)) return { ok: true, value: false };
  }
  return fail(`must be true or false${text ? " (also yes/no, on/off, 1/0)" : ""}, got ${describe(raw)}`);
}

function coerceEnum(raw: unknown, values: readonly string[], aliases?: Readonly<Record<string, string>>): Coerced {
  if (typeof raw !== "string") return fail(`must be one of ${values.join(", ")}, got ${describe(raw)}`);
  const v = raw.trim().toLowerCase();
  if (values.includes(v)) return { ok: true, value: v };
  const aliased = aliases?.[v];
  if (aliased) return { ok: true, value: aliased };
  const hint = suggest(v, [...values, ...Object.keys(aliases ?? {})]);
  return fail(`must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}${hint ? ` (did you mean "${hint}"?)` : ""}`);
}

function coerceUrl(raw: unknown): Coerced {
  if (typeof raw !== "string") return fail(`must be a URL string, got ${describe(raw)}`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(`must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return fail(`must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return { ok: true, value: raw.replace(/\/+$/, "") };
}

function coerceStringList(raw: unknown, text: boolean): Coerced {
  let v = raw;
  if (text && typeof raw === "string") {
    const t = raw.trim();
    if (t.startsWith("[")) {
      try {
        v = JSON.parse(t);
      } catch {
        return fail("must be a JSON array of strings or a comma-separated list");
      }
    } else v = t === "" ? [] : t.split(",").map((s) => s.trim()).filter(Boolean);
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) return fail(`must be a list of strings, got ${describe(v)}`);
  return { ok: true, value: v };
}

function coerceTables(raw: unknown, text: boolean, fields: Readonly<Record<string, FieldSpec>>): Coerced {
  let v = raw;
  if (text && typeof raw === "string") {
    try {
      v = JSON.parse(raw);
    } catch {
      return fail("must be a JSON array of objects");
    }
  }
  if (!Array.isArray(v)) return fail(`must be an array of tables, got ${describe(v)}`);
  const out: Record<string, unknown>[] = [];
  for (const [i, entry] of v.entries()) {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) return fail(`entry ${i + 1} must be a table, got ${describe(entry)}`);
    const r = coerceEntry(entry as Record<string, unknown>, fields);
    if (typeof r === "string") return fail(`entry ${i + 1}: ${r}`);
    out.push(r);
  }
  return { ok: true, value: out };
}

function coerceEntry(entry: Record<string, unknown>, fields: Readonly<Record<string, FieldSpec>>): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(entry)) {
    const f = fields[k];
    if (!f) {
      const hint = suggest(k, Object.keys(fields));
      return `unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${Object.keys(fields).join(", ")}`;
    }
    const bad = checkField(f, val);
    if (bad) return `"${k}" ${bad}`;
    out[k] = f.kind === "enum" ? String(val).toLowerCase() : val;
  }
  for (const [k, f] of Object.entries(fields)) if (f.required && out[k] === undefined) return `"${k}" is required`;
  return out;
}

function checkField(f: FieldSpec, val: unknown): string | undefined {
  switch (f.kind) {
    case "string":
      if (typeof val !== "string" || val === "") return `must be a non-empty string, got ${describe(val)}`;
      if (f.pattern && !f.pattern.re.test(val)) return `must be ${f.pattern.what}`;
      return undefined;
    case "int":
      return typeof val === "number" && Number.isSafeInteger(val) && val >= (f.min ?? -Infinity) ? undefined : `must be a whole number${range(f.min)}, got ${describe(val)}`;
    case "enum":
      return typeof val === "string" && (f.values ?? []).includes(val.toLowerCase()) ? undefined : `must be one of ${(f.values ?? []).join(", ")}, got ${describe(val)}`;
    case "string[]":
      return Array.isArray(val) && val.every((x) => typeof x === "string") ? undefined : `must be a list of strings, got ${describe(val)}`;
  }
}
