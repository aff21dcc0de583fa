/**
 * Request ids: a client's `x-request-id` is kept when it is sane (1–128 characters of `A–Z a–z 0–9 . _ : -`,
 * so it is safe in headers, logs and JSON), otherwise we generate `req_<32 hex>`.
 */

const MAX_LENGTH = 128;

/** Builds a table of the allowed characters once (no regex on the hot path). */
const ALLOWED: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") t[c.charCodeAt(0)] = 1;
  return t;
})();

/** True when an incoming request id can be echoed back and logged as is. */
export function isSaneRequestId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_LENGTH) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 128 || ALLOWED[c] !== 1) return false;
  }
  return true;
}

// Hot path: a random 64-bit prefix per process plus a counter instead of a UUID per request (the same
// `req_` + 32 hex shape, unique within the process and, with the random prefix, across processes).
const PREFIX = (() => {
  const b = crypto.getRandomValues(new Uint8Array(8));
  let s = "req_";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
})();
const ZEROS = "0000000000000000";
let counter = 0;

/** A fresh id: `req_` + 32 hex characters (16 random per process, then a 16-digit hex counter). */
export function generateRequestId(): string {
  const n = (++counter).toString(16);
  return PREFIX + ZEROS.slice(n.length) + n;
}

/** The id for this request: the client's `x-request-id` when sane, else a generated one. */
export function resolveRequestId(incoming: string | null): string {
  return incoming !== null && isSaneRequestId(incoming) ? incoming : generateRequestId();
}
