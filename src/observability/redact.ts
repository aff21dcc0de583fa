/**
 * Secret redaction for anything that may reach a log line, an error body or `config show`: Bearer
 * tokens, Google access tokens (`ya29.…`), PEM private keys, API keys (`sk-…`), and values of fields whose
 * NAME says they are secret (authorization, x-api-key, api_key, access_token, private_key, password,
 * client_secret, credentials, service_account_json…). Regexes are compiled once, field-name verdicts are
 * memoised and text without any trigger word skips the rules entirely, so the logger can call this on
 * every line.
 */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** Field names (case-insensitive, `-`/`_` alike) whose values are always masked. */
const SECRET_FIELD =
  /^(authorization|proxy[-_]authorization|x[-_]api[-_]key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|private[-_]?key|private[-_]?key[-_]?id|client[-_]?secret|password|passwd|secret|credentials|service[-_]?account[-_]?json|cookie|set[-_]cookie)$/i;

/** Cheap pre-check: text without any of these cannot contain something the rules below would mask. */
const TRIGGER = /bearer|ya29\.|sk-|-----begin|key|token|secret|password|authorization/i;

const TEXT_RULES: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, `${REDACTED} PRIVATE KEY`],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  [/\bya29\.[A-Za-z0-9._-]+/g, `ya29.${REDACTED}`],
  [/\b(sk-[A-Za-z0-9]{0,8}-?)[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`],
  // "private_key": "…", client_secret=…, x-api-key: … (JSON, query strings, header dumps)
  [
    /(["']?\b(?:authorization|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|private[-_]?key|client[-_]?secret|password|secret)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}&"']+)/gi,
    `$1"${REDACTED}"`,
  ],
];

const fieldCache = new Map<string, boolean>();

/** True when a field of this name holds a secret. */
export function isSecretField(name: string): boolean {
  let v = fieldCache.get(name);
  if (v === undefined) {
    v = SECRET_FIELD.test(name);
    if (fieldCache.size < 4096) fieldCache.set(name, v);
  }
  return v;
}

/** Masks one secret value entirely, keeping only its length (`[REDACTED] (11 chars)`); empty stays empty. */
export function redact(value: string | undefined | null): string {
  return value ? `${REDACTED} (${value.length} chars)` : "";
}

/** Masks secrets that appear inside free text (messages, stack traces, upstream bodies). */
export function redactText(text: string): string {
  if (!TRIGGER.test(text)) return text;
  let out = text;
  for (const [re, replacement] of TEXT_RULES) {
    out = out.replace(re, (...m: string[]) => {
      // Keep the quoting style of a matched "field": "value" pair.
      if (replacement.startsWith('$1"') && m[2] !== undefined) {
        const q = m[2].startsWith("'") ? "'" : m[2].startsWith('"') ? '"' : "";
        return `${m[1]}${q}${REDACTED}${q}`;
      }
      return replacement.replace("$1", m[1] ?? "");
    });
  }
  return out;
}

/**
 * A copy of `fields` with secret-named fields replaced by REDACTED (at any depth) and secrets scrubbed
 * from strings. Cycles and depth beyond 8 are cut off.
 */
export function redactFields<T extends Record<string, unknown>>(fields: T): T {
  return walk(fields, 0, undefined) as T;
}

function walk(v: unknown, depth: number, seen: WeakSet<object> | undefined): unknown {
  if (typeof v === "string") return redactText(v);
  if (!v || typeof v !== "object") return v;
  if (v instanceof Error) return redactText(v.stack ?? v.message);
  if (depth > 8) return "[…]";
  const s = seen ?? new WeakSet<object>();
  if (s.has(v)) return "[…]";
  s.add(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1, s));
  if (v instanceof Headers) {
    const out: Record<string, string> = {};
    v.forEach((val, k) => (out[k] = isSecretField(k) ? REDACTED : redactText(val)));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    out[k] = isSecretField(k) && x !== undefined && x !== null && x !== "" ? REDACTED : walk(x, depth + 1, s);
  }
  return out;
}
