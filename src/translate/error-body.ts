/** Parsing of upstream error bodies: Anthropic-shaped, Google-shaped (plain, array-wrapped, double-wrapped). */

/** What an upstream error body says, whichever family it came from. */
export interface ParsedUpstreamError {
  family: "anthropic" | "google" | "unknown";
  /** Anthropic `error.type` (e.g. `overloaded_error`), when present (also found inside a Google wrapper). */
  anthropicType?: string;
  /** Google `error.status` (e.g. `RESOURCE_EXHAUSTED`), when present. */
  googleStatus?: string;
  /** The upstream's own message, or a short snippet of a body that was not JSON. */
  message: string;
  /** False when the body was not JSON at all (an HTML page from a proxy, an empty body…). */
  json: boolean;
}

/** Longest piece of a non-JSON body quoted back to the client. */
export const SNIPPET_CHARS = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: the caller falls back to a snippet
  }
}

/** A whitespace-collapsed, length-capped excerpt of a body for error messages. */
export function snippet(text: string, max = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function fromAnthropic(err: Record<string, unknown>): ParsedUpstreamError {
  return {
    family: "anthropic",
    anthropicType: typeof err.type === "string" ? err.type : undefined,
    message: typeof err.message === "string" ? err.message : "",
    json: true,
  };
}

function fromValue(value: unknown, depth: number): ParsedUpstreamError | undefined {
  if (Array.isArray(value)) return value.length > 0 ? fromValue(value[0], depth) : undefined;
  if (!isRecord(value)) return undefined;
  const err = value.error;
  if (value.type === "error" && isRecord(err)) return fromAnthropic(err);
  if (isRecord(err)) {
    const message = typeof err.message === "string" ? err.message : "";
    const googleStatus = typeof err.status === "string" ? err.status : undefined;
    // Some Google front ends wrap the Anthropic error as a JSON string inside `error.message`.
    const inner = depth < 2 && message.trimStart().startsWith("{") ? fromValue(tryJson(message), depth + 1) : undefined;
    if (inner?.family === "anthropic") return { ...inner, googleStatus };
    if (googleStatus !== undefined || typeof err.code === "number") return { family: "google", googleStatus, message, json: true };
    if (typeof err.type === "string") return fromAnthropic(err);
    return { family: "unknown", message, json: true };
  }
  if (typeof err === "string") return { family: "unknown", message: err, json: true };
  if (typeof value.message === "string") return { family: "unknown", message: value.message, json: true };
  return undefined;
}

/** Reads an upstream error body of any known shape; never throws. */
export function parseUpstreamErrorBody(body: string): ParsedUpstreamError {
  const value = tryJson(body);
  if (value === undefined) return { family: "unknown", message: snippet(body), json: false };
  return fromValue(value, 0) ?? { family: "unknown", message: snippet(body), json: true };
}
