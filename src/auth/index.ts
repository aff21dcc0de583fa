/**
 * Picks the TokenSource for `[auth]`. Precedence (first set wins, the rest are ignored with a warning):
 *   access_token → service_account_json → service_account_file → Application Default Credentials.
 * Credential JSON is parsed here; a missing/unreadable/invalid key throws UpstreamError("credentials")
 * at construction so a bad setup fails at startup, not on the first request.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import type { AuthConfig } from "../config/schema.ts";
import { UpstreamError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { GoogleTokenSourceOptions } from "./google.ts";
import { createStaticTokenSource } from "./static.ts";
import type { TokenSource } from "./types.ts";

export type { TokenSource } from "./types.ts";
export { createStaticTokenSource } from "./static.ts";
export type { GoogleTokenSourceOptions } from "./google.ts";

/** google-auth-library is loaded on first use: a static token or the demo provider never pays its memory. */
function createGoogleTokenSource(opts: GoogleTokenSourceOptions): TokenSource {
  const google = require("./google.ts") as typeof import("./google.ts");
  return google.createGoogleTokenSource(opts);
}

/** Builds the TokenSource the config asks for. */
export function createTokenSource(auth: AuthConfig, deps: { logger?: Logger } = {}): TokenSource {
  const logger = deps.logger?.withTag("auth");
  const chosen = pick(auth);
  const ignored = (["access_token", "service_account_json", "service_account_file"] as const).filter(
    (k) => k !== chosen && isSet(auth[k]),
  );
  if (chosen && ignored.length) {
    logger?.warn(`auth.${chosen} is set; ignoring ${ignored.map((k) => `auth.${k}`).join(", ")}`);
  }
  if (chosen === "access_token") return createStaticTokenSource(auth.access_token!, { logger });
  if (chosen === "service_account_json") {
    const json = parseCredentials(auth.service_account_json!, "auth.service_account_json");
    return createGoogleTokenSource({ credentials: { json, origin: "auth.service_account_json" }, logger });
  }
  if (chosen === "service_account_file") {
    const path = expandHome(auth.service_account_file!.trim());
    const origin = `auth.service_account_file ${path}`;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : String(err);
      throw new UpstreamError("credentials", 0, `${origin}: cannot read the key (${why})`, undefined, { cause: err });
    }
    return createGoogleTokenSource({ credentials: { json: parseCredentials(text, origin), origin }, logger });
  }
  return createGoogleTokenSource({ logger });
}

function pick(auth: AuthConfig): "access_token" | "service_account_json" | "service_account_file" | undefined {
  if (isSet(auth.access_token)) return "access_token";
  if (isSet(auth.service_account_json)) return "service_account_json";
  if (isSet(auth.service_account_file)) return "service_account_file";
  return undefined;
}

function isSet(v: string | undefined): v is string {
  return typeof v === "string" && v.trim() !== "";
}

function parseCredentials(text: string, origin: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Never echo the text: it is a private key.
    const why = err instanceof Error ? err.message.replace(/".*"/s, "…") : "parse error";
    throw new UpstreamError("credentials", 0, `${origin}: not valid JSON (${why})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new UpstreamError("credentials", 0, `${origin}: expected a JSON object (a Google credentials file)`);
  }
  return json as Record<string, unknown>;
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? homedir() + p.slice(1) : p;
}
