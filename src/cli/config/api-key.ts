/** Client API keys for `[[auth.api_keys]]`: random, shown once, stored only as their SHA-256. */
import { createHash, randomBytes } from "node:crypto";

/** A new key (`mmx-` + 32 random bytes, base64url) and its hex SHA-256. */
export function newApiKey(): { key: string; sha256: string } {
  const key = `mmx-${randomBytes(32).toString("base64url")}`;
  return { key, sha256: createHash("sha256").update(key).digest("hex") };
}
