/**
 * The configuration schema: one interface per TOML section, snake_case keys exactly as in the file,
 * and the defaults. Every other module receives a frozen `Config`; only config/ and cli/ read the
 * environment or files.
 */

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";
export type LogFormat = "pretty" | "json";
export type StreamingMode = "auto" | "never" | "standard" | "buffered" | "always";
export type ProviderName = "vertex" | "mock";

export interface ApiKeyConfig {
  name: string;
  /** Hex SHA-256 of the key (never the key itself). */
  sha256: string;
  /** Allowed client-facing model names; empty = all. */
  models?: string[];
  requests_per_minute?: number;
  tokens_per_minute?: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  log_level: LogLevel;
  /** Unset means: json when stdout is not a TTY, pretty otherwise. */
  log_format?: LogFormat;
  enable_retries: boolean;
  max_retry_attempts: number;
  /** Total time budget for one upstream call including retries (ms). */
  request_timeout_ms: number;
  /** Largest accepted request body (bytes); larger → 413. */
  max_body_bytes: number;
  /** Most messages accepted in one request. */
  max_messages: number;
  allow_unauthenticated: boolean;
  cors_origins: string[];
  /** Max concurrent upstream calls (0 = unlimited). */
  max_concurrency: number;
  /** Requests that may wait for a concurrency slot when all are busy (0 = refuse at once with 503). */
  max_queue: number;
  /** How long a request may wait for a concurrency slot before a 503 (ms). */
  queue_timeout_ms: number;
  /** Seconds to let in-flight requests finish on SIGTERM. */
  shutdown_grace_seconds: number;
}

export interface AuthConfig {
  service_account_file?: string;
  service_account_json?: string;
  /** A fixed bearer token (e.g. `gcloud auth print-access-token`), for quick trials. */
  access_token?: string;
  api_keys: ApiKeyConfig[];
}

export interface ThinkingModelConfig {
  /** "budget" = thinking.enabled + budget_tokens (Claude ≤ 4.5); "adaptive" = adaptive + output_config.effort. */
  thinking_style?: "budget" | "adaptive";
  /** Default max_tokens for this model when the client sends none. */
  max_tokens?: number;
}

export interface ModelEntry extends ThinkingModelConfig {
  /** The OpenAI-facing model name clients send. */
  name: string;
  /** The Vertex model id (e.g. `claude-sonnet-4-5@20250929`). */
  model: string;
  project?: string;
  region?: string;
  location?: string;
  publisher?: string;
}

export interface VertexConfig extends ThinkingModelConfig {
  provider: ProviderName;
  project?: string;
  region?: string;
  location?: string;
  publisher: string;
  model?: string;
  /** Replaces scheme+host of the Vertex endpoint (tests, private endpoints). */
  base_url?: string;
  anthropic_version: string;
  fallback_to_default: boolean;
  models: ModelEntry[];
}

export interface StreamingRule {
  /** A User-Agent token (case-insensitive, matched as a whole word). */
  pattern: string;
  mode: Exclude<StreamingMode, "auto">;
}

export interface StreamingConfig {
  mode: StreamingMode;
  /** Buffered mode: flush when this many bytes of text are pending. */
  buffer_size: number;
  /** Buffered mode: flush after this long without a flush (ms). */
  chunk_timeout_ms: number;
  /** SSE keep-alive comment interval during upstream silence (ms). */
  keepalive_ms: number;
  /** Abort an upstream stream that sends nothing for this long (ms). */
  inactivity_timeout_ms: number;
  rules: StreamingRule[];
}

export interface LimitsConfig {
  /** Default Anthropic max_tokens when the client sends none. */
  default_max_tokens: number;
  /** Image URL download limits. */
  image_max_bytes: number;
  image_timeout_ms: number;
  allow_private_image_urls: boolean;
}

export interface Config {
  server: ServerConfig;
  auth: AuthConfig;
  vertex: VertexConfig;
  streaming: StreamingConfig;
  limits: LimitsConfig;
}

export const DEFAULT_STREAMING_RULES: StreamingRule[] = [
  { pattern: "goose", mode: "never" },
  { pattern: "curl", mode: "never" },
  { pattern: "wget", mode: "never" },
  { pattern: "httpie", mode: "never" },
  { pattern: "python-requests", mode: "never" },
  { pattern: "PostmanRuntime", mode: "never" },
  { pattern: "insomnia", mode: "never" },
  { pattern: "Thunder Client", mode: "never" },
  { pattern: "Chrome", mode: "buffered" },
  { pattern: "Firefox", mode: "buffered" },
  { pattern: "Safari", mode: "buffered" },
  { pattern: "Edg", mode: "buffered" },
  { pattern: "Edge", mode: "buffered" },
  { pattern: "VSCode", mode: "buffered" },
  { pattern: "Code", mode: "buffered" },
  { pattern: "JetBrains", mode: "buffered" },
  { pattern: "IntelliJ", mode: "buffered" },
  { pattern: "PyCharm", mode: "buffered" },
  { pattern: "RustRover", mode: "buffered" },
  { pattern: "WebStorm", mode: "buffered" },
  { pattern: "GoLand", mode: "buffered" },
];

export const DEFAULT_CONFIG: Config = {
  server: {
    host: "127.0.0.1",
    port: 3000,
    log_level: "info",
    enable_retries: true,
    max_retry_attempts: 3,
    request_timeout_ms: 600_000,
    max_body_bytes: 32 * 1024 * 1024,
    max_messages: 10_000,
    allow_unauthenticated: false,
    cors_origins: [],
    max_concurrency: 0,
    max_queue: 100,
    queue_timeout_ms: 30_000,
    shutdown_grace_seconds: 30,
  },
  auth: { api_keys: [] },
  vertex: {
    provider: "vertex",
    publisher: "anthropic",
    anthropic_version: "vertex-2023-10-16",
    fallback_to_default: false,
    models: [],
  },
  streaming: {
    mode: "auto",
    buffer_size: 256,
    chunk_timeout_ms: 100,
    keepalive_ms: 15_000,
    inactivity_timeout_ms: 300_000,
    rules: DEFAULT_STREAMING_RULES,
  },
  limits: {
    default_max_tokens: 16_384,
    image_max_bytes: 20 * 1024 * 1024,
    image_timeout_ms: 15_000,
    allow_private_image_urls: false,
  },
};

/** Deep-merges a partial config over the defaults (arrays replace). Used by tests and the library API. */
export function defineConfig(partial: DeepPartial<Config> = {}): Config {
  return mergeDeep(structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>, partial) as unknown as Config;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends Array<infer U> ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function mergeDeep(target: Record<string, unknown>, src: unknown): Record<string, unknown> {
  if (!src || typeof src !== "object") return target;
  for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
    if (v === undefined) continue;
    const cur = target[k];
    if (v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur)) {
      target[k] = mergeDeep(cur as Record<string, unknown>, v);
    } else target[k] = v;
  }
  return target;
}
