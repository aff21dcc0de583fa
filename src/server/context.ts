/** Per-request bookkeeping shared by the handlers, the access log and the metrics. */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../observability/logger.ts";
import type { Provider } from "../providers/types.ts";
import type { Metrics } from "./metrics.ts";
import type { ModelRouter } from "../providers/routing.ts";
import type { ModeSelector } from "./stream-mode.ts";

/** Everything the handlers need, built once per app. */
export interface AppState {
  config: Config;
  provider: Provider;
  logger: Logger;
  metrics: Metrics;
  router: ModelRouter;
  modes: ModeSelector;
  /** Wall clock in ms (injectable for tests). */
  now: () => number;
  /** Writes the access-log line for a finished request. */
  logAccess: (rec: RequestRecord) => void;
}

/** What one request did; written to the access log when it ends. */
export interface RequestRecord {
  id: string;
  method: string;
  path: string;
  start: number;
  model?: string;
  mode?: string;
  status?: number;
  upstreamStatus?: number;
  attempts?: number;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  error?: string;
  /** Set when the response is a stream: the stream logs the request when it ends. */
  streaming?: boolean;
}
