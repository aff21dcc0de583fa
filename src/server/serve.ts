/**
 * Binding an app to a socket with Bun.serve (native `routes` + `fetch` fallback), live reload, and
 * stopping gracefully. `startServer(config)` — config in, running server out — lives in src/app.ts, the
 * composition root, because only it may pick a concrete provider.
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { exposureProblem, isLoopbackHost } from "./access.ts";
import type { ServerApp } from "./app.ts";

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Stops accepting connections; with graceful=true (default) lets in-flight requests and open streams
   * finish for up to the grace period, then closes whatever is left. /readyz answers 503 meanwhile.
   */
  stop(graceful?: boolean): Promise<void>;
  /**
   * Applies a freshly loaded config without dropping connections (SIGHUP): keys, limits, models, CORS,
   * streaming. Throws, keeping the old config, when the new one is unsafe for the bound address.
   */
  reload(config: Config): void;
}

export interface ListenOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Seconds to wait for in-flight requests on a graceful stop. */
  graceSeconds: number;
  /** Bun's idle-connection timeout in seconds (default 60); chat requests are exempt. */
  idleTimeoutSeconds?: number;
}

/**
 * Starts listening. Refuses (throws) to bind a non-loopback address without API keys unless
 * `server.allow_unauthenticated` is set. Idle connections are closed after 60 s; chat requests disable the
 * timeout themselves.
 */
export function listen(app: ServerApp, opts: ListenOptions): RunningServer {
  const problem = exposureProblem(opts.host, app.state.config);
  if (problem) throw new Error(problem);
  const server = Bun.serve({
    hostname: opts.host,
    port: opts.port,
    idleTimeout: opts.idleTimeoutSeconds ?? 60,
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
  if (!app.state.access.enabled) {
    if (isLoopbackHost(opts.host)) {
      opts.logger.warn("no API keys configured: the gateway is unauthenticated (reachable from this machine only)", { host: opts.host });
    } else {
      opts.logger.warn("no API keys configured and server.allow_unauthenticated = true: anyone who can reach this address can use the gateway", { host: opts.host });
    }
  }
  const url = server.url.href.replace(/\/$/, "");
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: server.port ?? opts.port,
    reload(config) {
      app.reload(config);
    },
    stop(graceful = true) {
      app.drain();
      if (!graceful) return server.stop(true);
      stopping ??= (async () => {
        const graceMs = Math.max(0, opts.graceSeconds * 1000);
        opts.logger.info("shutting down: draining in-flight requests", { in_flight: app.metrics.inFlight, grace_seconds: opts.graceSeconds });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<"timeout">((res) => (timer = setTimeout(res, graceMs, "timeout")));
        const outcome = await Promise.race([server.stop(false).then(() => "done" as const), timeout]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          opts.logger.warn("grace period over; closing remaining connections", { grace_seconds: opts.graceSeconds, in_flight: app.metrics.inFlight });
          await server.stop(true);
        } else {
          opts.logger.info("all requests finished; stopped");
        }
      })();
      return stopping;
    },
  };
}
