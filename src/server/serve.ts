/**
 * Binding an app to a socket with Bun.serve (native `routes` + `fetch` fallback) and stopping it
 * gracefully. `startServer(config)` — config in, running server out — lives in src/app.ts, the
 * composition root, because only it may pick a concrete provider.
 */
import type { Logger } from "../observability/logger.ts";
import type { ServerApp } from "./app.ts";

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting; with graceful=true waits for in-flight requests (up to the grace period). */
  stop(graceful?: boolean): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Seconds to wait for in-flight requests on a graceful stop. */
  graceSeconds: number;
}

/** Starts listening. Idle connections are closed after 60 s; chat requests disable the timeout themselves. */
export function listen(app: ServerApp, opts: ListenOptions): RunningServer {
  const server = Bun.serve({
    hostname: opts.host,
    port: opts.port,
    idleTimeout: 60,
    // Our own limit (server.max_body_bytes) answers 413 in OpenAI shape; keep Bun's above it.
    maxRequestBodySize: app.state.config.server.max_body_bytes + 1024 * 1024,
    routes: app.routes,
    fetch: app.fetch,
    error(err) {
      opts.logger.error("unhandled server error", { error: err.stack ?? err.message });
      return new Response(
        JSON.stringify({ error: { message: "The gateway had an internal error.", type: "server_error", param: null, code: null } }),
        { status: 500, headers: { "content-type": "application/json" } },
      );
    },
  });
  const url = server.url.href.replace(/\/$/, "");
  return {
    url,
    port: server.port ?? opts.port,
    async stop(graceful = true) {
      if (!graceful) {
        await server.stop(true);
        return;
      }
      const stopped = server.stop(false);
      const timeout = Bun.sleep(opts.graceSeconds * 1000).then(() => "timeout" as const);
      if ((await Promise.race([stopped.then(() => "done" as const), timeout])) === "timeout") {
        opts.logger.warn("grace period over; closing remaining connections", { grace_seconds: opts.graceSeconds });
        await server.stop(true);
      }
    },
  };
}
