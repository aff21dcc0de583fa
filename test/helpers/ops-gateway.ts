/**
 * Gateways for the production-operation tests: real Bun.serve on 127.0.0.1:0 via startServer, every log
 * line captured (JSON) so tests can assert on request ids and on the absence of secrets, plus well-known
 * test API keys (their SHA-256 goes into the config, the keys themselves only into request headers).
 */
import { startServer } from "../../src/app.ts";
import { type Config, type DeepPartial, defineConfig } from "../../src/config/schema.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { Provider } from "../../src/providers/types.ts";
import { hashApiKey } from "../../src/server/access.ts";
import type { RunningServer } from "../../src/server/serve.ts";

/** Test keys; never written to a config or a log. */
export const KEYS = {
  full: "sk-mm-full-4mXq9TzL0pWc2vRn8bHs6yKd",
  limited: "sk-mm-limited-Z7wQ1eR5tY3uI9oP2aS4dF6g",
  rpm: "sk-mm-rpm-H8jK2lZ4xC6vB1nM3qW5eR7t",
  tpm: "sk-mm-tpm-Y2uI4oP6aS8dF1gH3jK5lZ7x",
  other: "sk-mm-other-Q1wE3rT5yU7iO9pA2sD4fG6h",
} as const;

/** Strings that must never appear in any log line. */
export const SECRETS: string[] = [...Object.values(KEYS), "ya29.test-access-token-DO-NOT-LOG"];

/** `[[auth.api_keys]]` entries for the test keys (name = the KEYS property). */
export function apiKeys(extra: Partial<Record<keyof typeof KEYS, Record<string, unknown>>> = {}): Config["auth"]["api_keys"] {
  return (Object.keys(KEYS) as Array<keyof typeof KEYS>).map((name) => ({ name, sha256: hashApiKey(KEYS[name]), ...extra[name] }));
}

export interface OpsGateway {
  url: string;
  running: RunningServer;
  config: Config;
  /** This gateway's log lines, parsed. */
  lines(): Array<Record<string, any>>;
  /** POST JSON to `path` with optional key and headers. */
  post(path: string, body: unknown, opts?: { key?: string; headers?: Record<string, string> }): Promise<Response>;
  get(path: string, opts?: { key?: string; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

/** Every log line written by every gateway started through this helper in this process. */
export const ALL_LOGS: string[] = [];

/** Starts a gateway with the mock provider unless `provider` or a vertex config is given. */
export async function startOpsGateway(opts: { config?: DeepPartial<Config>; provider?: Provider; now?: () => number } = {}): Promise<OpsGateway> {
  const config = defineConfig({ ...opts.config, server: { port: 0, ...opts.config?.server }, vertex: { provider: "mock", ...opts.config?.vertex } });
  const own: string[] = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    write: (l) => {
      own.push(l);
      ALL_LOGS.push(l);
    },
  });
  const running = await startServer(config, { logger, provider: opts.provider, now: opts.now });
  const headers = (o?: { key?: string; headers?: Record<string, string> }) => ({
    ...(o?.key ? { authorization: `Bearer ${o.key}` } : {}),
    ...o?.headers,
  });
  return {
    url: running.url,
    running,
    config,
    lines: () => own.map((l) => JSON.parse(l)),
    post: (path, body, o) =>
      fetch(running.url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers(o) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    get: (path, o) => fetch(running.url + path, { headers: headers(o) }),
    stop: () => running.stop(false),
  };
}

/** A minimal chat body. */
export function chat(model = "claude-sonnet-4-5", extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: "user", content: "Hello there" }], ...extra };
}
