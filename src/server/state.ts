/**
 * Building one config generation (AppState) and the request-end hook (`logAccess`): everything derived
 * from the config is computed here, once per build/reload, so the per-request path is lookups and
 * additions only.
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { createModelRouter, displayName } from "../providers/routing.ts";
import type { Provider } from "../providers/types.ts";
import { createAccessControl } from "./access.ts";
import type { ConcurrencyLimiter, ConcurrencySettings } from "./concurrency.ts";
import type { AppState, RequestRecord } from "./context.ts";
import { createCorsPolicy } from "./cors.ts";
import type { Metrics } from "./metrics.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { createModeSelector } from "./stream-mode.ts";

/** What survives a reload: the upstream, the logger, the counters and the limiters' state. */
export interface SharedState {
  provider: Provider;
  logger: Logger;
  metrics: Metrics;
  limiter: RateLimiter;
  concurrency: ConcurrencyLimiter;
  now: () => number;
  clock: () => number;
}

/** The concurrency settings a config asks for. */
export function concurrencySettings(config: Config): ConcurrencySettings {
  const s = config.server;
  return { max: s.max_concurrency, maxQueue: s.max_queue ?? 100, queueTimeoutMs: s.queue_timeout_ms ?? 30_000 };
}

/** Builds one generation. Throws only on programming errors; config validation happened before. */
export function buildState(config: Config, shared: SharedState): AppState {
  const router = createModelRouter(config);
  const modelLabels = new Map<string, string>();
  for (const id of router.ids) modelLabels.set(id.toLowerCase(), id);
  if (config.vertex.model) modelLabels.set(config.vertex.model.toLowerCase(), displayName(config.vertex.model));
  // Metrics label: only configured names (lower-cased input → canonical id), so clients cannot create series.
  const modelLabel = (m: string | undefined) => (m === undefined ? "" : (modelLabels.get(m.toLowerCase()) ?? "other"));
  const access = shared.logger.withTag("access");
  const { metrics, limiter, concurrency, clock, now } = shared;

  const logAccess = (rec: RequestRecord) => {
    if (rec.ended) return;
    rec.ended = true;
    const end = clock();
    if (rec.slot) concurrency.release();
    if (rec.inFlight) metrics.inFlight--;
    const status = rec.status ?? 0;
    const model = modelLabel(rec.model);
    const stream = rec.mode ?? "none";
    metrics.requests.inc([rec.route, model, String(status), stream]);
    metrics.duration.observe((end - rec.start) / 1000, [rec.route, stream]);
    const upstreamOk = rec.upstreamStatus !== undefined && rec.upstreamStatus < 300;
    if (rec.upstreamMs !== undefined && upstreamOk) metrics.upstreamTtfb.observe(rec.upstreamMs / 1000, [model]);
    const overheadMs = overheadOf(rec);
    if (overheadMs !== undefined && rec.upstreamMs !== undefined) metrics.overhead.observe(overheadMs / 1000);
    const input = rec.promptTokens ?? 0;
    const output = rec.completionTokens ?? 0;
    if (input) metrics.tokens.inc([model, "input"], input);
    if (output) metrics.tokens.inc([model, "output"], output);
    if (rec.cachedTokens) metrics.tokens.inc([model, "cached_input"], rec.cachedTokens);
    const p = rec.principal;
    if (p?.tokensPerMinute !== undefined && input + output > 0) {
      const r = limiter.record(p.name, input + output, p, now());
      if (r) r.catch((e) => shared.logger.warn("rate limiter store failed", { request_id: rec.id, error: String(e) }));
    }
    // Hot path: below info level (e.g. warn) the access-log object is never built.
    if (rec.quiet || !access.enabled("info")) return;
    access.info("request", {
      request_id: rec.id,
      method: rec.method,
      path: rec.path,
      key: p?.name,
      model: rec.model,
      stream_mode: rec.mode,
      status,
      upstream_status: rec.upstreamStatus,
      upstream_request_id: rec.upstreamRequestId,
      attempts: rec.attempts,
      latency_ms: round(end - rec.start),
      upstream_ms: rec.upstreamMs === undefined ? undefined : round(rec.upstreamMs),
      overhead_ms: overheadMs === undefined ? undefined : round(overheadMs),
      queue_ms: rec.queueMs === undefined ? undefined : round(rec.queueMs),
      prompt_tokens: rec.promptTokens,
      completion_tokens: rec.completionTokens,
      cached_tokens: rec.cachedTokens,
      error: rec.error,
    });
  };

  return {
    config,
    provider: shared.provider,
    logger: shared.logger,
    metrics,
    router,
    modes: createModeSelector(config.streaming),
    access: createAccessControl(config.auth.api_keys),
    cors: createCorsPolicy(config.server.cors_origins),
    limiter,
    concurrency,
    now,
    clock,
    logAccess,
  };
}

/** Response header: what the gateway itself added before the response started (ms, 3 decimals). */
export const OVERHEAD_HEADER = "x-modelmux-overhead-duration-ms";

/**
 * The headers every API response carries (`x-request-id`, the overhead header) added to `extra`, with the
 * response time noted now. Hot path: a handler that builds its Response with these needs no Headers object
 * touched afterwards; the app's wrapper adds them to any other response (errors, other routes).
 */
export function finalHeaders(rec: RequestRecord, now: number, extra: Record<string, string>): Record<string, string> {
  rec.respondedAt = now;
  rec.headersSet = true;
  extra["x-request-id"] = rec.id;
  extra[OVERHEAD_HEADER] = (overheadOf(rec) ?? 0).toFixed(3);
  return extra;
}

/**
 * What the gateway itself added before the response started (ms): time to the Response minus the upstream
 * wait and the concurrency queue. For streams this is the pre-stream overhead (per-chunk translation is
 * not included); for JSON responses it covers parsing and translation both ways (the answer's final
 * JSON serialisation, a microsecond or two inside Response.json, comes after the header is made).
 */
export function overheadOf(rec: RequestRecord): number | undefined {
  if (rec.respondedAt === undefined) return undefined;
  return Math.max(0, rec.respondedAt - rec.start - (rec.upstreamMs ?? 0) - (rec.queueMs ?? 0));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
