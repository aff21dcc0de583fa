/**
 * Process-lifetime metrics: the seed's /health counters (plain numbers the handlers bump) plus the
 * Prometheus series behind GET /metrics. Latencies are recorded in seconds (Prometheus convention) into
 * fixed-bucket histograms; label values are bounded (routes are patterns, models are only configured
 * names, statuses are numbers) so a client cannot blow up the series count.
 */
import { UpstreamError } from "../errors.ts";
import { Counter, Gauge, Histogram, type Collector, renderMetrics } from "../observability/prometheus.ts";

export interface HealthMetrics {
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  quota_errors: number;
  retry_attempts: number;
  success_rate: number;
}

/** Why an upstream attempt failed, as a bounded label. */
export type UpstreamErrorType = "quota" | "overloaded" | "unavailable" | "auth" | "timeout" | "network" | "server" | "client";

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Classifies a retry reason (upstream status or "network") or a final UpstreamError. */
export function classifyUpstreamError(e: number | "network" | UpstreamError): UpstreamErrorType {
  if (e === "network") return "network";
  if (e instanceof UpstreamError) {
    if (e.kind === "network") return "network";
    if (e.kind === "timeout") return "timeout";
    if (e.kind === "credentials") return "auth";
    if (e.status === 503 && e.body.includes("overloaded")) return "overloaded";
    return classifyUpstreamError(e.status);
  }
  if (e === 429) return "quota";
  if (e === 529) return "overloaded";
  if (e === 503) return "unavailable";
  if (e === 401 || e === 403) return "auth";
  if (e === 408 || e === 504) return "timeout";
  return e >= 500 ? "server" : "client";
}

export class Metrics {
  // The seed's /health counters (bumped directly by the handlers).
  total = 0;
  success = 0;
  failed = 0;
  quotaErrors = 0;
  retries = 0;
  inFlight = 0;
  /** Requests waiting for a concurrency slot (set by the limiter). */
  queued = 0;
  readonly startedAt: number;

  readonly requests = new Counter("modelmux_requests_total", "HTTP requests by route, model, status and stream mode.", [
    "route",
    "model",
    "status",
    "stream",
  ]);
  readonly duration = new Histogram(
    "modelmux_request_duration_seconds",
    "Total request time, until the last byte of the response (streams included).",
    LATENCY_BUCKETS,
    ["route", "stream"],
  );
  readonly upstreamTtfb = new Histogram(
    "modelmux_upstream_ttfb_seconds",
    "Time from sending the upstream request (retries included) to its first byte (streams) or whole body.",
    LATENCY_BUCKETS,
    ["model"],
  );
  readonly overhead = new Histogram(
    "modelmux_gateway_overhead_seconds",
    "Time the gateway added before the response started: request time minus upstream wait and queueing.",
    OVERHEAD_BUCKETS,
  );
  readonly upstreamAttempts = new Counter("modelmux_upstream_attempts_total", "Upstream HTTP attempts, retries included.", []);
  readonly upstreamErrors = new Counter("modelmux_upstream_errors_total", "Failed upstream attempts by error type.", ["type"]);
  readonly tokens = new Counter("modelmux_tokens_total", "Tokens by model and type (input includes cached_input).", ["model", "type"]);
  readonly tokenRefreshes = new Counter("modelmux_token_refreshes_total", "Google access-token mints by result.", ["result"]);
  readonly rateLimited = new Counter("modelmux_rate_limited_total", "Requests refused by a gateway limit, by reason.", ["reason"]);
  readonly authRejected = new Counter("modelmux_auth_rejections_total", "Requests refused by access control, by reason.", ["reason"]);
  readonly reloads = new Counter("modelmux_config_reloads_total", "Configuration reloads by result.", ["result"]);
  private readonly collectors: Collector[];

  constructor(now: number, info: { version?: string; provider?: string } = {}) {
    this.startedAt = now;
    const mem = () => process.memoryUsage().rss;
    this.collectors = [
      this.requests,
      this.duration,
      this.upstreamTtfb,
      this.overhead,
      this.upstreamAttempts,
      this.upstreamErrors,
      this.tokens,
      new Gauge("modelmux_in_flight_requests", "Requests being served right now (open streams included).", () => this.inFlight),
      new Gauge("modelmux_queued_requests", "Requests waiting for a concurrency slot.", () => this.queued),
      this.tokenRefreshes,
      this.rateLimited,
      this.authRejected,
      this.reloads,
      new Gauge("modelmux_build_info", "Build information (always 1).", () => [[[info.version ?? "unknown", info.provider ?? "unknown"], 1]], [
        "version",
        "provider",
      ]),
      new Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", () => Math.floor(this.startedAt / 1000)),
      new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", mem),
    ];
  }

  /** Records one failed upstream attempt (a retry reason or the final error). */
  upstreamError(e: number | "network" | UpstreamError): void {
    this.upstreamErrors.inc([classifyUpstreamError(e)]);
  }

  /** Hook for token sources: count a token mint (wire it as `onRefresh`). */
  tokenRefreshed(ok: boolean): void {
    this.tokenRefreshes.inc([ok ? "success" : "failure"]);
  }

  /** The Prometheus text exposition of everything above. */
  prometheus(): string {
    return renderMetrics(this.collectors);
  }

  /** The seed's /health metrics object; success_rate is a percentage (100 when nothing was served yet). */
  health(): HealthMetrics {
    return {
      total_requests: this.total,
      successful_requests: this.success,
      failed_requests: this.failed,
      quota_errors: this.quotaErrors,
      retry_attempts: this.retries,
      success_rate: this.total === 0 ? 100 : Math.round((this.success / this.total) * 1000) / 10,
    };
  }
}
