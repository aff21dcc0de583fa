/**
 * Starts the real gateway (Bun.serve on 127.0.0.1, port 0) for integration tests, optionally pointed at a
 * fake Vertex upstream, and hands out an official `openai` SDK client for it.
 */
import OpenAI from "openai";
import { startServer } from "../../src/app.ts";
import { type DeepPartial, type Config, defineConfig } from "../../src/config/schema.ts";
import { createLogger, type Logger } from "../../src/observability/logger.ts";
import type { Provider } from "../../src/providers/types.ts";

export interface TestGateway {
  url: string;
  client: OpenAI;
  config: Config;
  /** Captured JSON log lines (every line the gateway logged). */
  logs: string[];
  stop(): Promise<void>;
}

export interface GatewayOptions {
  config?: DeepPartial<Config>;
  provider?: Provider;
  apiKey?: string;
}

/** Config for a gateway in front of a fake Vertex at `baseUrl` with a static token. */
export function vertexConfig(baseUrl: string, extra: DeepPartial<Config> = {}): DeepPartial<Config> {
  return merge(
    {
      server: { port: 0, max_retry_attempts: 2 },
      auth: { access_token: "test-token" },
      vertex: { provider: "vertex", project: "p1", region: "us-east5", model: "claude-sonnet-4-5@20250929", base_url: baseUrl },
    },
    extra,
  );
}

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const config = defineConfig(merge({ server: { port: 0 }, vertex: { provider: "mock" } }, opts.config ?? {}));
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: "debug", format: "json", write: (l) => logs.push(l) });
  const running = await startServer(config, { logger, provider: opts.provider });
  const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: opts.apiKey ?? "unused", maxRetries: 0 });
  return { url: running.url, client, config, logs, stop: () => running.stop(false) };
}

function merge<T>(a: T, b: unknown): T {
  if (!b || typeof b !== "object") return a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
    const cur = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur) ? merge(cur, v) : v;
  }
  return out as T;
}
