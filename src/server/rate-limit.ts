/**
 * Per-key rate limits: requests per minute (RPM) and tokens per minute (TPM), as token buckets that hold
 * one minute's allowance and refill continuously (a full minute's quota may be used in a burst, then it
 * trickles back at limit/60 per second).
 *
 * - RPM is charged when a request is admitted.
 * - TPM cannot know a request's size in advance, so a request is admitted while the key's token bucket is
 *   above zero, and the tokens it actually used (prompt + completion, from the upstream's usage) are
 *   charged when it ends; the bucket may go into debt, which then delays the key's next requests. This is
 *   what OpenAI and LiteLLM do in effect.
 *
 * State lives in process memory by default. The `RateLimiter` interface may return promises so a shared
 * store (Redis, Valkey…) can back it for multi-replica deployments; the in-memory one stays synchronous so
 * the hot path costs no microtask.
 */
import { HttpError } from "../errors.ts";

export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export type RateDecision =
  | { ok: true }
  | { ok: false; reason: "requests" | "tokens"; limit: number; retryAfterMs: number };

export interface RateLimiter {
  /** Admits one request for `key` (charging RPM) unless its RPM or TPM allowance is exhausted. */
  acquire(key: string, limits: RateLimits, nowMs: number): RateDecision | Promise<RateDecision>;
  /** Charges the tokens a finished request used against the key's TPM allowance. */
  record(key: string, tokens: number, limits: RateLimits, nowMs: number): void | Promise<void>;
}

interface Bucket {
  level: number;
  at: number;
}

interface KeyState {
  requests?: Bucket;
  tokens?: Bucket;
}

const MINUTE_MS = 60_000;

/** Refills a bucket of capacity `limit` (per minute) up to `now`; creates it full. */
function refill(b: Bucket | undefined, limit: number, now: number): Bucket {
  if (!b) return { level: limit, at: now };
  const dt = now - b.at;
  if (dt > 0) {
    b.level = Math.min(limit, b.level + (dt * limit) / MINUTE_MS);
    b.at = now;
  } else if (b.level > limit) b.level = limit; // the limit was lowered by a reload
  return b;
}

/** The in-process limiter (state per key name, kept across config reloads). */
export function createMemoryRateLimiter(): RateLimiter {
  const keys = new Map<string, KeyState>();
  const stateOf = (key: string) => {
    let s = keys.get(key);
    if (!s) keys.set(key, (s = {}));
    return s;
  };
  return {
    acquire(key, limits, now) {
      const { requestsPerMinute: rpm, tokensPerMinute: tpm } = limits;
      if (rpm === undefined && tpm === undefined) return { ok: true };
      const s = stateOf(key);
      if (tpm !== undefined) {
        const t = (s.tokens = refill(s.tokens, tpm, now));
        if (t.level <= 0) return { ok: false, reason: "tokens", limit: tpm, retryAfterMs: ((1 - t.level) * MINUTE_MS) / tpm };
      }
      if (rpm !== undefined) {
        const r = (s.requests = refill(s.requests, rpm, now));
        if (r.level < 1) return { ok: false, reason: "requests", limit: rpm, retryAfterMs: ((1 - r.level) * MINUTE_MS) / rpm };
        r.level -= 1;
      }
      return { ok: true };
    },
    record(key, tokens, limits, now) {
      const tpm = limits.tokensPerMinute;
      if (tpm === undefined || !(tokens > 0)) return;
      const s = stateOf(key);
      const t = (s.tokens = refill(s.tokens, tpm, now));
      t.level -= tokens;
    },
  };
}

/** The 429 for a refused decision, in OpenAI's shape with Retry-After (seconds) and retry-after-ms. */
export function rateLimitError(keyName: string, d: Extract<RateDecision, { ok: false }>): HttpError {
  const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  const what = d.reason === "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
  return new HttpError(
    429,
    `Rate limit reached for API key "${keyName}" on ${what}: Limit ${d.limit}. Please try again in ${(d.retryAfterMs / 1000).toFixed(1)}s.`,
    {
      type: d.reason,
      code: "rate_limit_exceeded",
      headers: {
        "retry-after": String(seconds),
        "retry-after-ms": String(Math.ceil(d.retryAfterMs)),
        [`x-ratelimit-limit-${d.reason}`]: String(d.limit),
      },
    },
  );
}
