/**
 * Observability hooks the chat handler and the SSE response call around upstream calls: upstream time
 * (TTFB histogram, overhead header), attempts, failures by type and upstream request ids (`req_vrtx_…`)
 * for the access log. One clock read and a few additions on the success path.
 */
import { HttpError, UpstreamError } from "../errors.ts";
import type { CallInfo } from "../providers/types.ts";
import type { AppState, RequestRecord } from "./context.ts";
import type { UpstreamErrorType } from "./metrics.ts";

/** The gateway codes (translate/errors.ts) that stand for an upstream failure, by metrics type. */
const CODE_TYPES: Readonly<Record<string, UpstreamErrorType>> = {
  rate_limit_exceeded: "quota",
  overloaded: "overloaded",
  upstream_unavailable: "unavailable",
  upstream_auth_failed: "auth",
  upstream_credentials: "auth",
  upstream_timeout: "timeout",
  upstream_unreachable: "network",
  upstream_error: "server",
  upstream_stream_truncated: "network",
};

/** Call when a retry is about to happen (from CallOptions.onRetry). */
export function upstreamRetried(state: AppState, rec: RequestRecord, reason: number | "network"): void {
  rec.retries = (rec.retries ?? 0) + 1;
  state.metrics.upstreamError(reason);
}

/** Call when the provider call resolved; `startedAt` is state.clock() before the call. */
export function upstreamSucceeded(state: AppState, rec: RequestRecord, info: CallInfo, startedAt: number): void {
  rec.upstreamMs = state.clock() - startedAt;
  rec.attempts = info.attempts;
  rec.upstreamStatus = info.upstreamStatus;
  if (info.upstreamRequestId) rec.upstreamRequestId = info.upstreamRequestId;
  state.metrics.upstreamAttempts.inc([], info.attempts);
}

/** Call when the provider call threw (before mapping the error). */
export function upstreamFailed(state: AppState, rec: RequestRecord, e: unknown, startedAt: number): void {
  rec.upstreamMs = state.clock() - startedAt;
  rec.attempts = (rec.retries ?? 0) + 1;
  state.metrics.upstreamAttempts.inc([], rec.attempts);
  if (e instanceof UpstreamError) {
    state.metrics.upstreamError(e);
    rec.upstreamRequestId ??= upstreamRequestIdOf(e);
  }
}

/** Call when a stream fails after it started (an upstream error event, a broken or silent connection). */
export function upstreamStreamFailed(state: AppState, e: unknown): void {
  if (e instanceof UpstreamError) state.metrics.upstreamError(e);
  else if (e instanceof HttpError) {
    const type = e.details.code ? CODE_TYPES[e.details.code] : undefined;
    if (type) state.metrics.upstreamErrors.inc([type]);
  }
}

/** The upstream's request id: a `request-id`/`x-request-id` header, or `"request_id"` in an Anthropic error body. */
export function upstreamRequestIdOf(e: UpstreamError): string | undefined {
  const h = e.headers?.get("request-id") ?? e.headers?.get("x-request-id");
  if (h) return h.slice(0, 128);
  const m = /"request_id"\s*:\s*"([A-Za-z0-9_.:-]{1,128})"/.exec(e.body);
  return m?.[1];
}
