/**
 * The table of every config key: its type, limits, whether it is secret, its one-line doc and its
 * compatibility env names. Env parsing, TOML checking, unknown-key suggestions, `config show`, the
 * documented template and `--help` are all driven from here, so a new key is one line.
 */

export type KeyKind = "string" | "int" | "bool" | "enum" | "string[]" | "path" | "url" | "table[]";

/** A field of one entry of an array of tables (`[[vertex.models]]`, `[[auth.api_keys]]`, `[[streaming.rules]]`). */
export interface FieldSpec {
  kind: "string" | "int" | "enum" | "string[]";
  values?: readonly string[];
  required?: boolean;
  min?: number;
  /** Regex the (string) value must match, with a human description. */
  pattern?: { re: RegExp; what: string };
}

export interface KeySpec {
  /** `section.key`, exactly as in TOML. */
  key: string;
  kind: KeyKind;
  /** enum: allowed values (lower-case). */
  values?: readonly string[];
  /** enum: accepted spellings mapped to canonical values (e.g. `non-streaming` → `never`). */
  valueAliases?: Readonly<Record<string, string>>;
  min?: number;
  max?: number;
  /** Never printed or logged in clear. */
  secret?: boolean;
  doc: string;
  /** A valid example value as TOML source (used in fixes and the template). */
  example: string;
  /** Compatibility env names (lower priority than MODELMUX_<SECTION>_<KEY>). */
  envAliases?: readonly string[];
  /** table[]: the fields of one entry. */
  fields?: Readonly<Record<string, FieldSpec>>;
}

export const SECTIONS = ["server", "auth", "vertex", "streaming", "limits"] as const;
export type SectionName = (typeof SECTIONS)[number];

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
const MODES = ["auto", "never", "standard", "buffered", "always"] as const;

const MODEL_FIELDS: Record<string, FieldSpec> = {
  name: { kind: "string", required: true },
  model: { kind: "string", required: true },
  project: { kind: "string" },
  region: { kind: "string" },
  location: { kind: "string" },
  publisher: { kind: "string" },
  thinking_style: { kind: "enum", values: ["budget", "adaptive"] },
  max_tokens: { kind: "int", min: 1 },
};

const API_KEY_FIELDS: Record<string, FieldSpec> = {
  name: { kind: "string", required: true },
  sha256: { kind: "string", required: true, pattern: { re: /^[0-9a-f]{64}$/i, what: "64 hex characters (SHA-256 of the key)" } },
  models: { kind: "string[]" },
  requests_per_minute: { kind: "int", min: 1 },
  tokens_per_minute: { kind: "int", min: 1 },
};

const RULE_FIELDS: Record<string, FieldSpec> = {
  pattern: { kind: "string", required: true },
  mode: { kind: "enum", required: true, values: ["never", "standard", "buffered", "always"] },
};

export const KEYS: readonly KeySpec[] = [
  // [server]
  { key: "server.host", kind: "string", doc: "Address to bind (127.0.0.1 = this machine only; 0.0.0.0 = all interfaces)", example: '"127.0.0.1"' },
  { key: "server.port", kind: "int", min: 0, max: 65535, doc: "TCP port (0 = any free port)", example: "3000", envAliases: ["PORT"] },
  { key: "server.log_level", kind: "enum", values: LOG_LEVELS, valueAliases: { warning: "warn" }, doc: "trace, debug, info, warn or error", example: '"info"', envAliases: ["LOG_LEVEL"] },
  { key: "server.log_format", kind: "enum", values: ["pretty", "json"], doc: "pretty or json (default: json when stdout is not a terminal)", example: '"json"' },
  { key: "server.enable_retries", kind: "bool", doc: "Retry 429/5xx/network failures upstream", example: "true" },
  { key: "server.max_retry_attempts", kind: "int", min: 0, doc: "Retries after the first attempt", example: "3" },
  { key: "server.request_timeout_ms", kind: "int", min: 1, doc: "Total time budget of one upstream call, retries included (ms)", example: "600000" },
  { key: "server.max_body_bytes", kind: "int", min: 1, doc: "Largest accepted request body (bytes)", example: "33554432" },
  { key: "server.max_messages", kind: "int", min: 1, doc: "Most messages accepted in one request", example: "10000" },
  { key: "server.allow_unauthenticated", kind: "bool", doc: "Allow a non-loopback host without API keys", example: "false" },
  { key: "server.cors_origins", kind: "string[]", doc: "Origins allowed by CORS (empty = CORS off)", example: '["https://app.example.com"]' },
  { key: "server.max_concurrency", kind: "int", min: 0, doc: "Max concurrent upstream calls (0 = unlimited)", example: "0" },
  { key: "server.max_queue", kind: "int", min: 0, doc: "Requests that may wait for a concurrency slot (0 = refuse at once with 503)", example: "100" },
  { key: "server.queue_timeout_ms", kind: "int", min: 1, doc: "How long a request may wait for a concurrency slot (ms)", example: "30000" },
  { key: "server.shutdown_grace_seconds", kind: "int", min: 0, doc: "Seconds in-flight requests get to finish on SIGTERM", example: "30" },
  // [auth]
  { key: "auth.service_account_file", kind: "path", doc: "Service-account key file (~ and $VARS expand)", example: '"~/.config/modelmux/service-account.json"' },
  { key: "auth.service_account_json", kind: "string", secret: true, doc: "Service-account key as inline JSON (wins over the file)", example: "'{\"type\": \"service_account\", ...}'", envAliases: ["GCP_SERVICE_ACCOUNT_KEY"] },
  { key: "auth.access_token", kind: "string", secret: true, doc: "A fixed bearer token (e.g. `gcloud auth print-access-token`), for quick trials", example: '"ya29...."' },
  { key: "auth.api_keys", kind: "table[]", fields: API_KEY_FIELDS, doc: "Client API keys ([[auth.api_keys]] name, sha256, models, requests_per_minute, tokens_per_minute); in env also a plain comma-separated list of keys", example: '[{ name = "laptop", sha256 = "…" }]' },
  // [vertex]
  { key: "vertex.provider", kind: "enum", values: ["vertex", "mock"], doc: "vertex, or mock (built-in demo; default when no Vertex setting exists)", example: '"vertex"', envAliases: ["LLM_PROVIDER"] },
  { key: "vertex.project", kind: "string", doc: "Google Cloud project id", example: '"my-project"', envAliases: ["VERTEX_PROJECT"] },
  { key: "vertex.region", kind: "string", doc: "Vertex region (global, us-east5, europe-west1, …)", example: '"global"', envAliases: ["VERTEX_REGION"] },
  { key: "vertex.location", kind: "string", doc: "Location in the URL path (default: the region)", example: '"global"', envAliases: ["VERTEX_LOCATION"] },
  { key: "vertex.publisher", kind: "string", doc: "Model publisher", example: '"anthropic"', envAliases: ["VERTEX_PUBLISHER"] },
  { key: "vertex.model", kind: "string", doc: "Default Vertex model id", example: '"claude-sonnet-4-5@20250929"', envAliases: ["VERTEX_MODEL_ID"] },
  { key: "vertex.base_url", kind: "url", doc: "Replaces scheme+host of the Vertex endpoint (private endpoints, tests)", example: '"https://us-east5-aiplatform.googleapis.com"' },
  { key: "vertex.anthropic_version", kind: "string", doc: "anthropic_version sent to Vertex", example: '"vertex-2023-10-16"' },
  { key: "vertex.fallback_to_default", kind: "bool", doc: "Send unknown model names to the default model instead of 404", example: "false" },
  { key: "vertex.thinking_style", kind: "enum", values: ["budget", "adaptive"], doc: "How reasoning_effort maps to thinking (budget or adaptive)", example: '"budget"' },
  { key: "vertex.max_tokens", kind: "int", min: 1, doc: "Default max_tokens for the default model", example: "16384" },
  { key: "vertex.models", kind: "table[]", fields: MODEL_FIELDS, doc: "Extra models ([[vertex.models]] name, model, project, region, location, publisher)", example: '[{ name = "opus", model = "claude-opus-4-1@20250805" }]' },
  // [streaming]
  { key: "streaming.mode", kind: "enum", values: MODES, valueAliases: { "non-streaming": "never", non_streaming: "never", nonstreaming: "never" }, doc: "auto, never (alias non-streaming), standard, buffered or always", example: '"auto"' },
  { key: "streaming.buffer_size", kind: "int", min: 1, doc: "Buffered mode: flush after this many bytes of text", example: "256" },
  { key: "streaming.chunk_timeout_ms", kind: "int", min: 1, doc: "Buffered mode: flush after this long (ms)", example: "100" },
  { key: "streaming.keepalive_ms", kind: "int", min: 0, doc: "SSE keep-alive comment interval during upstream silence (ms, 0 = off)", example: "15000" },
  { key: "streaming.inactivity_timeout_ms", kind: "int", min: 1, doc: "Abort a stream whose upstream is silent, or whose client reads nothing, for this long (ms)", example: "300000" },
  { key: "streaming.rules", kind: "table[]", fields: RULE_FIELDS, doc: "User-Agent rules for auto mode ([[streaming.rules]] pattern, mode)", example: '[{ pattern = "curl", mode = "never" }]' },
  // [limits]
  { key: "limits.default_max_tokens", kind: "int", min: 1, doc: "max_tokens sent upstream when the client gives none", example: "16384" },
  { key: "limits.image_max_bytes", kind: "int", min: 1, doc: "Largest image downloaded from an image URL (bytes)", example: "20971520" },
  { key: "limits.image_timeout_ms", kind: "int", min: 1, doc: "Image download timeout (ms)", example: "15000" },
  { key: "limits.allow_private_image_urls", kind: "bool", doc: "Allow image URLs pointing at private/loopback addresses", example: "false" },
];

export const KEY_INDEX: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.key, k]));

/** Deprecated spellings accepted in files (the Rust original's serde aliases). */
export const FILE_KEY_ALIASES: Readonly<Record<string, string>> = {
  "vertex.project_id": "vertex.project",
  "vertex.model_id": "vertex.model",
};

/** `server.port` → `MODELMUX_SERVER_PORT`. */
export function envName(key: string): string {
  return `MODELMUX_${key.replace(".", "_").toUpperCase()}`;
}

/** Env names that are not keys but are ours (so they never trigger an "unknown variable" warning). */
export const META_ENV = {
  /** Same as --config FILE. */
  config: "MODELMUX_CONFIG",
  /** Path of the system file (default /etc/modelmux/config.toml); for packagers (e.g. Homebrew's etc/). */
  systemConfig: "MODELMUX_SYSTEM_CONFIG",
} as const;

/** Keys of one section, in table order. */
export function sectionKeys(section: string): KeySpec[] {
  return KEYS.filter((k) => k.key.startsWith(section + "."));
}
