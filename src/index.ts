/** The library surface of modelmux: build the gateway programmatically and embed it in Bun.serve. */
export { createApp, startServer, VERSION, type AppDeps } from "./app.ts";
export { loadConfig, inspectConfig, ConfigError, type LoadOptions } from "./config/index.ts";
export type { ConfigProblem } from "./config/index.ts";
export { hashApiKey, generateApiKey } from "./config/api-keys.ts";
export type { RateLimiter, RateLimits, RateDecision } from "./server/rate-limit.ts";
export { DEFAULT_CONFIG, defineConfig } from "./config/schema.ts";
export type {
  Config,
  ServerConfig,
  AuthConfig,
  VertexConfig,
  StreamingConfig,
  LimitsConfig,
  ModelEntry,
  StreamingMode,
  StreamingRule,
} from "./config/schema.ts";
export type { ServerApp } from "./server/app.ts";
export type { RunningServer } from "./server/serve.ts";
export type { Provider, UpstreamTarget, CallOptions } from "./providers/types.ts";
export type { TokenSource } from "./auth/types.ts";
export { createLogger, silentLogger, type Logger } from "./observability/logger.ts";
export { HttpError, UpstreamError } from "./errors.ts";
export type * as OpenAI from "./wire/openai.ts";
export type * as Anthropic from "./wire/anthropic.ts";
