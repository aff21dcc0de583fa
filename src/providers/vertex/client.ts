/**
 * One Vertex HTTP exchange with retries: bearer from the TokenSource, Bun's pooled keep-alive fetch,
 * the call deadline, retry on network errors / 408 / 429 / 5xx / 529 (src/net/retry.ts), and one extra
 * attempt with a fresh token after a 401 (not counted against max_retry_attempts).
 * Failures are raw UpstreamErrors: "http" (non-2xx, body text + headers), "network", "timeout",
 * "credentials"; a caller abort rethrows the caller's abort reason.
 */
import type { TokenSource } from "../../auth/types.ts";
import { UpstreamError } from "../../errors.ts";
import type { Deadline } from "../../net/deadline.ts";
import { isRetryableStatus, parseRetryAfter, type RetryDecision, type RetryPolicy, withRetry } from "../../net/retry.ts";
import type { Logger } from "../../observability/logger.ts";
import type { CallOptions } from "../types.ts";

export interface ExchangeOptions<T> {
  url: string;
  body: string;
  stream: boolean;
  tokens: TokenSource;
  policy: RetryPolicy;
  deadline: Deadline;
  /** The deadline length, for the timeout message. */
  timeoutMs: number;
  onRetry?: CallOptions["onRetry"];
  logger?: Logger;
  /** Our request id, for log lines. */
  requestId?: string;
  userAgent: string;
  /** Consumes a 2xx response inside the attempt (so a body that breaks while being read is retried). */
  accept(res: Response): Promise<T>;
}

export interface ExchangeResult<T> {
  value: T;
  /** Upstream HTTP requests made, including a 401 re-authentication. */
  attempts: number;
  status: number;
  headers: Headers;
}

/** Runs the exchange; see the file comment for semantics. */
export async function exchange<T>(o: ExchangeOptions<T>): Promise<ExchangeResult<T>> {
  const signal = o.deadline.signal;
  let requests = 0;
  let reauthed = false;
  // The last response's status and headers (no Headers object is made up front: every exchange that
  // returns has had a response).
  let lastStatus = 0;
  let lastHeaders: Headers | undefined;

  const post = async (token: string): Promise<Response> => {
    requests++;
    try {
      const res = await fetch(o.url, {
        method: "POST",
        headers: {
          ...o.tokens.extraHeaders?.(),
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: o.stream ? "text/event-stream" : "application/json",
          "user-agent": o.userAgent,
        },
        body: o.body,
        signal,
        // Bun's socket idle timeout (default 5 min) would cut long silent generations; our deadline and
        // the stream inactivity timeout govern instead. Keep-alive pooling stays on (Bun's default).
        timeout: false,
      });
      lastStatus = res.status;
      lastHeaders = res.headers;
      return res;
    } catch (err) {
      throw networkError(err, signal);
    }
  };

  const attempt = async (): Promise<T> => {
    // A cached token is an already-fulfilled promise: take its value without a turn of the microtask queue
    // (withRetry has just checked the signal).
    const pending = o.tokens.getToken();
    const token = Bun.peek.status(pending) === "fulfilled" ? (Bun.peek(pending) as string) : await untilAborted(pending, signal);
    let res = await post(token);
    if (res.status === 401 && !reauthed) {
      reauthed = true;
      const text = await readText(res, signal);
      o.tokens.invalidate(token);
      const fresh = await untilAborted(o.tokens.getToken(), signal);
      if (fresh === token) throw new UpstreamError("http", 401, text, res.headers);
      o.logger?.info("Vertex rejected the access token (401); retrying once with a fresh one", {
        request_id: o.requestId,
        source: o.tokens.describe(),
      });
      res = await post(fresh);
    }
    if (!res.ok) throw new UpstreamError("http", res.status, await readText(res, signal), res.headers);
    try {
      return await o.accept(res);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw networkError(err, signal);
    }
  };

  try {
    const { value } = await withRetry(attempt, {
      policy: o.policy,
      signal,
      classify,
      onRetry: (reason, n, delay) => {
        o.logger?.debug("retrying Vertex call", { request_id: o.requestId, reason, attempt: n, delay_ms: delay });
        o.onRetry?.(reason, n, delay);
      },
    });
    return { value, attempts: requests, status: lastStatus, headers: lastHeaders ?? new Headers() };
  } catch (err) {
    throw mapAbort(err, o.deadline, o.timeoutMs);
  }
}

/** Which failures are worth another attempt (HTTP statuses per net/retry.ts, and network errors). */
function classify(err: unknown): RetryDecision | undefined {
  if (!(err instanceof UpstreamError)) return undefined;
  if (err.kind === "network") return { reason: "network" };
  if (err.kind === "http" && isRetryableStatus(err.status, err.headers)) {
    return { reason: err.status, retryAfterMs: parseRetryAfter(err.headers) };
  }
  return undefined;
}

/** Turns an abort into what the caller should see: a timeout UpstreamError, or the caller's own reason. */
export function mapAbort(err: unknown, deadline: Deadline, timeoutMs: number): unknown {
  if (deadline.timedOut) {
    return new UpstreamError("timeout", 0, `no complete answer from Vertex AI within ${timeoutMs} ms`, undefined, { cause: err });
  }
  if (deadline.callerAborted) return deadline.signal.reason ?? err;
  return err;
}

/** A fetch/body failure as UpstreamError("network"), unless it is our own abort (rethrown as is). */
function networkError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || err instanceof UpstreamError) return err;
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof e?.code === "string" ? `${e.code}: ` : "";
  const msg = typeof e?.message === "string" ? e.message : String(err);
  return new UpstreamError("network", 0, `${code}${msg}`.replace(/ For more information, pass `verbose: true`.*$/, ""), undefined, { cause: err });
}

async function readText(res: Response, signal: AbortSignal): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    throw networkError(err, signal);
  }
}

/** Resolves/rejects with `p`, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  // Hot path: a cached token is an already-settled promise; no listener is needed to race it.
  if (Bun.peek.status(p) !== "pending") return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
