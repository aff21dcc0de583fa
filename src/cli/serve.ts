/**
 * `modelmux` / `modelmux serve`: load the layered config (flags on top), create the logger, start the
 * server, print where it listens, and stop gracefully on SIGTERM/SIGINT (a second signal forces exit).
 *
 * Exit codes: 0 after a clean shutdown, 78 (EX_CONFIG) for an invalid config — systemd units can use
 * `RestartPreventExitStatus=78` so a broken config does not restart-loop — and 1 for anything else
 * (e.g. the port is taken).
 */
import { defineCommand } from "citty";
import { inspectConfig } from "../config/index.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import type { RunningServer } from "../server/serve.ts";
import { c, complain, countProblems, formatProblems } from "./output.ts";
import { assertKnownFlags, configArgs, guard, loadOptionsFrom } from "./shared-args.ts";

export const EXIT_CONFIG = 78;

export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Start the gateway (the default command)" },
  args: configArgs,
  async run({ args, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, configArgs, "serve"));
    const r = inspectConfig(loadOptionsFrom(args));
    const errors = r.problems.filter((p) => p.level === "error");
    if (errors.length) {
      complain(`${c.red("Error:")} the configuration is invalid (${countProblems(errors)}):`, "", ...formatProblems(errors), "", "Run `modelmux config validate` for all checks, or `modelmux config show` to see where each value comes from.");
      process.exit(EXIT_CONFIG);
    }
    const config = r.config;
    const logger = createLogger({ level: config.server.log_level, format: config.server.log_format });
    for (const w of r.problems) logger.warn(`config: ${w.key}: ${w.message}`, { source: w.source, fix: w.fix });
    const files = r.files.filter((f) => f.status === "loaded").map((f) => f.path);
    logger.debug("config loaded", { files, provider: config.vertex.provider });

    const { startServer } = await import("../app.ts");
    let server;
    try {
      server = await startServer(config, { logger });
    } catch (e) {
      reportStartFailure(e, config.server.host, config.server.port, logger);
      process.exit(1);
    }
    logger.info(`OpenAI base URL: ${server.url}/v1`, { url: server.url, port: server.port });
    handleSignals(server, logger);
    const running = server;
    process.on("SIGHUP", () => reloadConfig(running, () => inspectConfig(loadOptionsFrom(args)), logger));
  },
});

function handleSignals(server: { stop(graceful?: boolean): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn("second signal: exiting without waiting for in-flight requests", { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info("shutting down", { signal });
    server.stop(true).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (e: unknown) => {
        logger.error("error while stopping", { error: e instanceof Error ? e.message : String(e) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/**
 * SIGHUP: re-read the config layers and swap keys, limits, models and streaming rules without dropping
 * connections. An invalid config (or one the server refuses, e.g. an unauthenticated public bind) is
 * logged and the running config stays.
 */
function reloadConfig(server: RunningServer, load: () => ReturnType<typeof inspectConfig>, logger: Logger): void {
  const r = load();
  const errors = r.problems.filter((p) => p.level === "error");
  if (errors.length) {
    logger.error("config reload refused: the configuration is invalid; keeping the running config", {
      problems: errors.map((p) => `${p.key} (${p.source}): ${p.message}`),
    });
    return;
  }
  try {
    server.reload(r.config);
    logger.info("config reloaded", { files: r.files.filter((f) => f.status === "loaded").map((f) => f.path) });
  } catch (e) {
    logger.error("config reload refused; keeping the running config", { error: e instanceof Error ? e.message : String(e) });
  }
}

function reportStartFailure(e: unknown, host: string, port: number, logger: Logger): void {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string } | null)?.code;
  if (code === "EADDRINUSE" || /in use|EADDRINUSE/i.test(msg)) {
    logger.error(`cannot listen on ${host}:${port}: the port is already in use`, {
      fix: `stop the other process (\`lsof -i :${port}\`) or pick another port: modelmux --port ${port + 1} (or MODELMUX_SERVER_PORT)`,
    });
  } else if (code === "EACCES" || /permission|EACCES/i.test(msg)) {
    logger.error(`cannot listen on ${host}:${port}: permission denied`, { fix: "use a port ≥ 1024" });
  } else if (code === "EADDRNOTAVAIL" || /EADDRNOTAVAIL|not available/i.test(msg)) {
    logger.error(`cannot listen on ${host}:${port}: this machine has no such address`, { fix: "use 127.0.0.1, 0.0.0.0 or an address of this machine" });
  } else {
    logger.error("failed to start", { error: msg });
  }
}
