/**
 * Secret redaction for anything that may reach a log line, an error body or `config show`: Bearer
 * tokens, Google access tokens (`ya29.…`), PEM private keys, API keys (`sk-…`), and values of fields whose
 * NAME says they are secret (authorization, x-api-key, api_key, access_token, private_key, password,
 * secret, service_account_json…). Regexes are compiled once; callers use this on error paths and
 * startup output, never per streamed chunk.
 */

const MASK = "[REDACTED]";

/** Field names (lower-case, `-`/`_` insensitive) whose values are always masked. */
const SECRET_FIELD = /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|private[-_]?key|private[-_]?key[-_]?id|client[-_]?secret|password|passwd|secret|service[-_]?account[-_]?json|cookie|set-cookie)$/i;

const TEXT_RULES: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, "[REDACTED PRIVATE KEY]"],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`],
  [/\bya29\.[A-Za-z0-9._-]+/g, `ya29.${MASK}`],
  [/\b(sk-[A-Za-z0-9]{0,8}-?)[A-Za-z0-9_-]{16,}/g, `$1${MASK}`],
  [
    /(["']?(?:authorization|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|private[-_]?key|client[-_]?secret|password|secret)["']?\s*[:=]\s*["']?)([^"'\s,;}&]{4,})/gi,
    `$1${MASK}`,
  ],
];

/** True when a field of this name holds a secret. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** Masks secrets that appear inside free text (error messages, stack traces, upstream bodies). */
export function redactText(text: string): string {
  let out = text;
  for (const [re, replacement] of TEXT_RULES) out = out.replace(re, replacement);
  return out;
}

/**
 * A deep copy of `value` with secret-named fields masked and secrets in strings redacted. Cycles and
 * depth beyond 8 are cut off.
 */
export function redact<T>(value: T): T {
  return walk(value, 0, new WeakSet()) as T;
}

function walk(v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof v === "string") return redactText(v);
  if (!v || typeof v !== "object") return v;
  if (depth > 8 || seen.has(v)) return "[…]";
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1, seen));
  if (v instanceof Error) return redactText(v.stack ?? v.message);
  if (v instanceof Headers) {
    const out: Record<string, string> = {};
    v.forEach((val, k) => (out[k] = isSecretField(k) ? MASK : redactText(val)));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = isSecretField(k) && x !== undefined && x !== null && x !== "" ? MASK : walk(x, depth + 1, seen);
  return out;
}
