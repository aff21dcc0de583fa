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
import { listen, type RunningServer } from "./server/serve.ts";

export const VERSION: string = pkg.version;

export interface AppDeps {
  logger?: Logger;
  /** Use this provider instead of the one the config selects (tests, embedding). */
  provider?: Provider;
  /** Wall clock in ms. */
  now?: () => number;
}

/** Builds the gateway as an object with `fetch(req)` usable by Bun.serve (plus `routes` for its router). */
export function createApp(config: Config, deps: AppDeps = {}): ServerApp {
  const logger = deps.logger ?? silentLogger;
  const provider = deps.provider ?? createProvider(config, logger);
  return createServerApp({ config, provider, logger, now: deps.now, version: VERSION });
}

function createProvider(config: Config, logger: Logger): Provider {
  if (config.vertex.provider === "mock") {
    logger.warn("no Vertex AI configuration found: serving the built-in DEMO upstream (provider = mock); set VERTEX_PROJECT, VERTEX_REGION and VERTEX_MODEL_ID or run `modelmux config init`");
    return createMockProvider();
  }
  const tokens = createTokenSource(config.auth, { logger: logger.withTag("auth") });
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
