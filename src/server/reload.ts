/**
 * What a live reload (SIGHUP) can and cannot change. Reloaded at once: API keys and their limits and
 * model lists, `[[vertex.models]]` routing, CORS origins, streaming mode/rules/buffering, body and message
 * limits, the concurrency cap and queue, image limits. Needing a restart (we warn and keep running with
 * the old value): the listening socket (host, port), logging (set up by the CLI), and everything the
 * upstream provider captured when it was built — credentials, provider, base URL, API version, retry and
 * timeout policy.
 */
import type { Config } from "../config/schema.ts";

/** Keys whose new value is ignored until a restart. */
export const RESTART_KEYS = [
  "server.host",
  "server.port",
  "server.log_level",
  "server.log_format",
  "server.enable_retries",
  "server.max_retry_attempts",
  "server.request_timeout_ms",
  "auth.service_account_file",
  "auth.service_account_json",
  "auth.access_token",
  "vertex.provider",
  "vertex.base_url",
  "vertex.anthropic_version",
  "streaming.inactivity_timeout_ms",
] as const;

/** Names (never values: some are secrets) of restart-only keys that differ between two configs. */
export function changedRestartKeys(prev: Config, next: Config): string[] {
  const get = (c: Config, key: string) => {
    const [section, name] = key.split(".") as [keyof Config, string];
    return (c[section] as unknown as Record<string, unknown>)[name];
  };
  return RESTART_KEYS.filter((k) => get(prev, k) !== get(next, k));
}
