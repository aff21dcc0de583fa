/**
 * Client API keys: only their SHA-256 is ever stored. Shared by the config loader (the
 * `MODELMUX_AUTH_API_KEYS` simple list), the access check and the CLI (`keys create`, `config init`).
 */
import type { ApiKeyConfig } from "./schema.ts";

/** Hex SHA-256 of a key, as stored in `[[auth.api_keys]] sha256`. */
export function hashApiKey(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex");
}

const KEY_PREFIX = "sk-mm-";

/** A new random API key: `sk-mm-` + 256 random bits in base64url. */
export function generateApiKey(): string {
  return KEY_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/**
 * `MODELMUX_AUTH_API_KEYS=key1,key2` (plain keys, comma- or whitespace-separated) → key entries named
 * `env-1`, `env-2`, … holding only the hashes; the keys themselves are never kept.
 */
export function apiKeysFromList(text: string): ApiKeyConfig[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((key, i) => ({ name: `env-${i + 1}`, sha256: hashApiKey(key) }));
}
