/**
 * The composition root: config → token source → provider → HTTP app. The only module that picks a
 * concrete provider.
 */
import pkg from "../package.json" with { type: "json" };
import { createTokenSource } from "./auth/index.ts";
import type { Config } from "./config/schema.ts";
import { type Logger, silentLogger } from "./observability/logger.ts";
import { createMockProvider } from "./providers/mock/index.ts";
import type { Provider } from "./providers/types.ts";
import { createVertexProvider } from "./providers/vertex/index.ts";
import { createServerApp, type ServerApp } from "./server/app.ts";
import { Metrics } from "./server/metrics.ts";
import type { RateLimiter } from "./server/rate-limit.ts";
import { listen, type RunningServer } from "./server/serve.ts";
import { instrumentTokenSource } from "./server/token-metrics.ts";

export const VERSION: string = pkg.version;

export interface AppDeps {
  logger?: Logger;
  /** Use this provider instead of the one the config selects (tests, embedding). */
  provider?: Provider;
  /** Wall clock in ms. */
  now?: () => number;
  /** Where per-key RPM/TPM state lives (default: in-process). Implement it for a shared store. */
  rateLimiter?: RateLimiter;
}

/** Builds the gateway as an object with `fetch(req)` usable by Bun.serve (plus `routes` for its router). */
export function createApp(config: Config, deps: AppDeps = {}): ServerApp {
  const logger = deps.logger ?? silentLogger;
  // Metrics exist before the provider so token refreshes can be counted (modelmux_token_refreshes_total).
  const metrics = new Metrics((deps.now ?? Date.now)(), { version: VERSION, provider: deps.provider?.name ?? config.vertex.provider });
  const provider = deps.provider ?? createProvider(config, logger, metrics);
  return createServerApp({ config, provider, logger, now: deps.now, version: VERSION, metrics, rateLimiter: deps.rateLimiter });
}

function createProvider(config: Config, logger: Logger, metrics: Metrics): Provider {
  if (config.vertex.provider === "mock") {
    logger.warn("no Vertex AI configuration found: serving the built-in DEMO upstream (provider = mock); set VERTEX_PROJECT, VERTEX_REGION and VERTEX_MODEL_ID or run `modelmux config init`");
    return createMockProvider();
  }
  const tokens = instrumentTokenSource(createTokenSource(config.auth, { logger: logger.withTag("auth") }), metrics);
  return createVertexProvider({ config, tokens, logger: logger.withTag("vertex") });
}

/** Creates the app and listens on config.server.host:port. */
export async function startServer(config: Config, deps: AppDeps = {}): Promise<RunningServer> {
  const logger = deps.logger ?? silentLogger;
  const app = createApp(config, { ...deps, logger });
  const running = listen(app, {
    host: config.server.host,
    port: config.server.port,
    logger,
    graceSeconds: config.server.shutdown_grace_seconds,
  });
  logger.info("modelmux listening", { url: running.url, provider: app.state.provider.name, version: VERSION });
  return running;
}
