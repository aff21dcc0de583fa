/** Per-request bookkeeping shared by the handlers, the access log and the metrics. */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../observability/logger.ts";
import type { Provider } from "../providers/types.ts";
import type { ModelRouter } from "../providers/routing.ts";
import type { AccessControl, Principal } from "./access.ts";
import type { ConcurrencyLimiter } from "./concurrency.ts";
import type { CorsPolicy } from "./cors.ts";
import type { Metrics } from "./metrics.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { ModeSelector } from "./stream-mode.ts";

/**
 * Everything the handlers need. One AppState is one config "generation": `reload()` builds a new one and
 * swaps it in atomically; a request keeps the generation it started with until it ends.
 */
export interface AppState {
  config: Config;
  provider: Provider;
  logger: Logger;
  metrics: Metrics;
  router: ModelRouter;
  modes: ModeSelector;
  access: AccessControl;
  cors: CorsPolicy;
  /** Shared across generations (state survives reloads). */
  limiter: RateLimiter;
  /** Shared across generations; reload re-configures it. */
  concurrency: ConcurrencyLimiter;
  /** Wall clock in ms (injectable for tests). */
  now: () => number;
  /** Monotonic clock in ms with sub-ms precision (latencies). */
  clock: () => number;
  /** Ends a request: releases its slot, charges its tokens, records metrics and writes the access log. Idempotent. */
  logAccess: (rec: RequestRecord) => void;
}

/** What one request did; written to the access log when it ends. */
export interface RequestRecord {
  id: string;
  method: string;
  path: string;
  /** The route pattern (metrics label), e.g. `/v1/chat/completions`. */
  route: string;
  /** Monotonic ms (state.clock) when the request arrived. */
  start: number;
  /** The API key that authenticated the request (undefined when keys are off). */
  principal?: Principal;
  model?: string;
  mode?: string;
  status?: number;
  upstreamStatus?: number;
  /** `request-id` of the upstream response (`req_vrtx_…`), success or failure. */
  upstreamRequestId?: string;
  attempts?: number;
  /** Upstream retries so far (attempts = retries + 1 when the call fails). */
  retries?: number;
  /** Monotonic ms spent waiting for the upstream call (until its headers for streams, its body otherwise). */
  upstreamMs?: number;
  /** Monotonic ms spent waiting for a concurrency slot. */
  queueMs?: number;
  /** Monotonic ms when the handler returned its Response. */
  respondedAt?: number;
  /** The handler's Response already carries `x-request-id` and the overhead header (state.ts finalHeaders). */
  headersSet?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  error?: string;
  /** Set when the response is a stream: the stream logs the request when it ends. */
  streaming?: boolean;
  /** Holds a concurrency slot (released when the request ends). */
  slot?: boolean;
  /** Counted in metrics.inFlight. */
  inFlight?: boolean;
  /** Set once logAccess ran. */
  ended?: boolean;
  /** Count in metrics but write no access-log line (probes and scrapes that succeeded). */
  quiet?: boolean;
}
