/**
 * Generic retry with exponential backoff, jitter, Retry-After and a total time budget. Knows nothing
 * about HTTP clients: the caller's `classify` decides which failures are retryable.
 *
 * Semantics (documented for the README):
 * - `maxRetries` counts retries AFTER the first attempt (3 → up to 4 attempts). `enabled: false` → 1 attempt.
 * - Delay before retry n (1-based): `min(baseDelayMs·2ⁿ⁻¹, maxDelayMs)` minus up to `jitter`·100 % (random),
 *   unless the failure carried a server hint (`retry-after-ms`, `Retry-After` seconds or HTTP date), which wins.
 * - A hint above `maxRetryAfterMs` means "not soon": we stop and surface the error (the client gets the hint).
 * - `budgetMs` bounds the whole call: a retry whose sleep would end past `start + budgetMs` is not attempted.
 * - Sleeps are abort-aware; an aborted signal stops retrying at once (the abort reason is thrown).
 */

export interface RetryPolicy {
  enabled: boolean;
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Fraction of the delay removed at random (0.25 = up to 25 % shorter). */
  jitter: number;
  /** Total wall-clock budget for all attempts and sleeps (ms); Infinity = unbounded. */
  budgetMs: number;
  /** Largest server-requested delay we are willing to wait (ms). */
  maxRetryAfterMs: number;
}

/** The defaults: 0.5 s·2ⁿ capped at 8 s, 25 % jitter, 3 retries, 60 s max Retry-After. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  enabled: true,
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  jitter: 0.25,
  budgetMs: Infinity,
  maxRetryAfterMs: 60_000,
};

/** Upstream statuses worth another try: timeouts, rate limits, transient server failures, Anthropic overload. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  408, // request timeout
  429, // rate limited / quota (Vertex sends no Retry-After)
  500, // internal error
  502, // bad gateway
  503, // unavailable
  504, // gateway timeout
  529, // Anthropic overloaded_error
]);

export type RetryReason = number | "network";

/** What `classify` says about a failure: retry it (with an optional server delay hint) or not. */
export interface RetryDecision {
  reason: RetryReason;
  retryAfterMs?: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** undefined = not retryable (rethrown immediately). */
  classify(error: unknown): RetryDecision | undefined;
  signal?: AbortSignal;
  onRetry?(reason: RetryReason, attempt: number, delayMs: number): void;
  now?: () => number;
  random?: () => number;
}

/** True for statuses in RETRYABLE_STATUSES, honouring an explicit `x-should-retry` header. */
export function isRetryableStatus(status: number, headers?: Headers): boolean {
  const hint = headers?.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  return RETRYABLE_STATUSES.has(status);
}

/** Server delay hint in ms from `retry-after-ms` or `Retry-After` (seconds or HTTP date); undefined if absent/invalid. */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Backoff delay before retry number `retry` (1-based), jitter applied. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const raw = Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(raw * (1 - policy.jitter * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The reason an aborted signal carries (an AbortError DOMException when none was given). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Runs `fn(attempt)` (attempt is 1-based) until it resolves, a failure is not retryable, retries are
 * exhausted or the budget is spent; the last failure is rethrown unchanged.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  const { policy, signal } = opts;
  const now = opts.now ?? Date.now;
  const start = now();
  const maxAttempts = policy.enabled ? 1 + Math.max(0, Math.floor(policy.maxRetries)) : 1;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (signal?.aborted || attempt >= maxAttempts) throw err;
      const decision = opts.classify(err);
      if (!decision) throw err;
      const hinted = decision.retryAfterMs;
      if (hinted !== undefined && hinted > policy.maxRetryAfterMs) throw err;
      const delay = hinted ?? backoffDelay(attempt, policy, opts.random);
      if (now() + delay - start > policy.budgetMs) throw err;
      opts.onRetry?.(decision.reason, attempt, delay);
      await sleep(delay, signal);
    }
  }
}
