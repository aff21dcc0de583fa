/** Small validators for untrusted JSON values; each failure is a 400 naming the parameter path. */
import { badRequest } from "../errors.ts";

export type Obj = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** How a bad value is shown in an error message. */
export function describe(v: unknown): string {
  if (v === undefined) return "(missing)";
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

/** A required string (non-empty unless allowEmpty). */
export function reqStr(v: unknown, p: string, allowEmpty = false): string {
  if (typeof v !== "string" || (!allowEmpty && v === "")) throw badRequest(`${p} must be a non-empty string`, p);
  return v;
}

/** An optional string (null/undefined → undefined). */
export function optStr(v: unknown, p: string): string | undefined {
  if (v == null) return undefined;
  if (typeof v !== "string") throw badRequest(`${p} must be a string`, p);
  return v;
}

/** An optional boolean. */
export function optBool(v: unknown, p: string): boolean | undefined {
  if (v == null) return undefined;
  if (typeof v !== "boolean") throw badRequest(`'${p}' must be a boolean`, p);
  return v;
}

/** An optional finite number within [min, max] (optionally an integer). */
export function optNum(v: unknown, p: string, min: number, max: number, integer = false): number | undefined {
  if (v == null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw badRequest(`'${p}' must be ${integer ? "an integer" : "a number"}`, p);
  if (v < min || v > max) throw badRequest(`'${p}' must be between ${min} and ${max}; got ${v}`, p);
  return v;
}
