/**
 * Gateway access control: client API keys (`[[auth.api_keys]]`), per-key model allow-lists, and the
 * "never an open door" rule for the bind address.
 *
 * Keys are stored as SHA-256 hex digests only. A presented key is hashed once (≈0.1 µs) and compared
 * against EVERY configured digest in constant time (sameDigest), without stopping at a match, so the time
 * taken does not depend on which key (or how much of one) matched. Clients send `Authorization: Bearer <key>`
 * or `x-api-key: <key>` (Anthropic style); Authorization wins when both carry a key.
 */
import { hashApiKey } from "../config/api-keys.ts";
import type { ApiKeyConfig, Config } from "../config/schema.ts";
import { HttpError } from "../errors.ts";

/** The authenticated caller: a configured key (never the key itself). */
export interface Principal {
  name: string;
  /** Lower-cased allowed client model names; undefined = every model. */
  models?: ReadonlySet<string>;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface AccessControl {
  /** True when at least one key is configured (requests must then authenticate). */
  readonly enabled: boolean;
  /**
   * Returns the caller, or undefined when no keys are configured. Throws 401 `invalid_api_key` when keys
   * are configured and the request carries none or a wrong one.
   */
  authenticate(headers: Headers): Principal | undefined;
}

interface KeyEntry {
  digest: Uint8Array;
  principal: Principal;
}


/** Builds the key table once per config (digests decoded, allow-lists lower-cased). */
export function createAccessControl(keys: readonly ApiKeyConfig[]): AccessControl {
  const entries: KeyEntry[] = keys.map((k) => ({
    digest: hexToBytes(k.sha256),
    principal: {
      name: k.name,
      models: k.models && k.models.length > 0 ? new Set(k.models.map((m) => m.toLowerCase())) : undefined,
      requestsPerMinute: positive(k.requests_per_minute),
      tokensPerMinute: positive(k.tokens_per_minute),
    },
  }));
  const enabled = entries.length > 0;
  return {
    enabled,
    authenticate(headers) {
      if (!enabled) return undefined;
      const key = presentedKey(headers);
      if (key === undefined) throw unauthorized("missing");
      const digest = Bun.SHA256.hash(key) as Uint8Array;
      let found: Principal | undefined;
      for (const e of entries) {
        // Non-short-circuit: every entry is compared; a bad-length config digest never matches.
        if (sameDigest(e.digest, digest) && found === undefined) found = e.principal;
      }
      if (!found) throw unauthorized("invalid");
      return found;
    },
  };
}

/** The key a request carries (Bearer token or x-api-key), or undefined. */
export function presentedKey(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth !== null && auth.length > 7 && auth.slice(0, 7).toLowerCase() === "bearer ") {
    const k = auth.slice(7).trim();
    if (k) return k;
  }
  const x = headers.get("x-api-key");
  if (x !== null && x.trim()) return x.trim();
  return undefined;
}

/** Why a request was refused; carried on the error so metrics can count it. */
export type AuthRejection = "missing" | "invalid";

/** A 401 in OpenAI's shape (the key itself is never echoed). */
export function unauthorized(reason: AuthRejection): HttpError {
  const message =
    reason === "missing"
      ? "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY) or in an x-api-key header."
      : "Incorrect API key provided. Ask the operator of this gateway for a valid key (`modelmux keys create NAME`).";
  return new HttpError(401, message, {
    type: "invalid_request_error",
    code: "invalid_api_key",
    headers: { "www-authenticate": 'Bearer realm="modelmux"' },
  });
}

/** True when the caller may use this client-facing model name. */
export function allowsModel(principal: Principal | undefined, model: string): boolean {
  return !principal?.models || principal.models.has(model.toLowerCase());
}

/**
 * Throws the same 404 `model_not_found` as an unknown model when the key may not use `model`: a restricted
 * key sees a world where only its models exist (OpenAI does the same), and learns nothing about others.
 */
export function assertModelAllowed(principal: Principal | undefined, model: string): void {
  if (allowsModel(principal, model)) return;
  throw new HttpError(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
    type: "invalid_request_error",
    param: "model",
    code: "model_not_found",
  });
}

/** True for 127.0.0.0/8, ::1 (any spelling we accept in config) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The open-door rule, checked at bind and on reload: a non-loopback address with no API keys needs an
 * explicit `server.allow_unauthenticated = true`. Returns a problem description, or undefined when safe.
 */
export function exposureProblem(host: string, config: Pick<Config, "auth" | "server">): string | undefined {
  if (config.auth.api_keys.length > 0 || config.server.allow_unauthenticated || isLoopbackHost(host)) return undefined;
  return (
    `refusing to serve ${host} without authentication: anyone who can reach it could spend your Vertex quota. ` +
    "Add [[auth.api_keys]] (see `modelmux keys create NAME`), bind to 127.0.0.1, or set server.allow_unauthenticated = true."
  );
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

function hexToBytes(hex: string): Uint8Array {
  const h = hex.trim().toLowerCase().replace(/^sha256:/, "");
  if (!/^[0-9a-f]{64}$/.test(h)) return new Uint8Array(0);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export { hashApiKey };

/**
 * Whether two SHA-256 digests are equal, in time that does not depend on where they differ: every byte is
 * compared and the differences are OR-ed together (what `crypto.timingSafeEqual` does, without loading
 * node:crypto, ≈ 6 MB of RSS, into every gateway for it). A digest of another length never matches.
 */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== 32 || b.length !== 32) return false;
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
