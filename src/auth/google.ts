/**
 * Google credentials behind TokenSource, via google-auth-library (v11):
 * - a service-account key (parsed JSON) → `new JWT(...)` + `jwt.fromJSON(json)` (the v11-recommended path,
 *   no deprecation warnings), the key is checked at construction so a broken key fails at startup;
 * - `authorized_user` JSON (gcloud user credentials) → UserRefreshClient;
 * - nothing → Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (any type, including
 *   external_account / impersonated_service_account), gcloud's ADC file, or the GCE/Cloud Run/GKE metadata server.
 * Tokens come from `getRequestHeaders()`, so quota-project headers (x-goog-user-project) and scoped
 * self-signed JWTs work; caching/refresh/single-flight live in cache.ts.
 */
import { createPrivateKey } from "node:crypto";
import { type AuthClient, GoogleAuth, JWT, UserRefreshClient, type gaxios } from "google-auth-library";
import { UpstreamError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import { createCachedTokenSource } from "./cache.ts";
import type { TokenSource } from "./types.ts";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface GoogleTokenSourceOptions {
  /** Parsed credentials JSON and where it came from (named in messages); absent → ADC. */
  credentials?: { json: Record<string, unknown>; origin: string };
  logger?: Logger;
  now?: () => number;
  refreshAheadMs?: number;
  mintTimeoutMs?: number;
  /** Service accounts only: sign scoped self-signed JWTs locally instead of calling Google's token endpoint. */
  selfSignedJwt?: boolean;
  /** Transport for token requests (tests point it at a loopback fake). */
  transporter?: gaxios.Gaxios;
}

/** A TokenSource backed by google-auth-library (service account, user credentials or ADC). */
export function createGoogleTokenSource(opts: GoogleTokenSourceOptions = {}): TokenSource {
  const clientOptions = opts.transporter ? { transporter: opts.transporter } : {};
  let label: string;
  let getClient: () => Promise<AuthClient>;
  let adc: GoogleAuth | undefined;

  if (opts.credentials) {
    const { json, origin } = opts.credentials;
    const client = clientFromJson(json, origin, opts, clientOptions);
    label = client instanceof JWT ? `service account ${client.email} (${origin})` : `user credentials (${origin})`;
    getClient = () => Promise.resolve(client);
  } else {
    adc = new GoogleAuth({ scopes: CLOUD_PLATFORM_SCOPE, clientOptions });
    label = "Application Default Credentials";
    getClient = async () => {
      const client = await adc!.getClient();
      label = `Application Default Credentials: ${adcKind(client)}`;
      return client;
    };
  }

  let current: AuthClient | undefined;
  return createCachedTokenSource({
    describe: () => label,
    logger: opts.logger,
    now: opts.now,
    refreshAheadMs: opts.refreshAheadMs,
    mintTimeoutMs: opts.mintTimeoutMs,
    async mint() {
      const client = (current ??= await getClient());
      const headers = await client.getRequestHeaders();
      const authz = headers.get("authorization") ?? "";
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      if (!m?.[1]) throw new Error("the credentials produced no bearer token");
      const token = m[1];
      const extra: Record<string, string> = {};
      headers.forEach((v, k) => {
        if (k !== "authorization") extra[k] = v;
      });
      return { token, expiresAt: expiryOf(client, token), headers: extra };
    },
    forget: () => current && forceExpire(current),
    explain: (err) => explain(err, label, !opts.credentials),
  });
}

function clientFromJson(
  json: Record<string, unknown>,
  origin: string,
  opts: GoogleTokenSourceOptions,
  clientOptions: { transporter?: gaxios.Gaxios },
): AuthClient {
  const type = json.type;
  const fail = (msg: string) => new UpstreamError("credentials", 0, `${origin}: ${msg}`);
  if (type === "service_account" || type === undefined) {
    if (typeof json.client_email !== "string" || !json.client_email) throw fail("the key has no client_email");
    if (typeof json.private_key !== "string" || !json.private_key) throw fail("the key has no private_key");
    try {
      createPrivateKey(json.private_key);
    } catch {
      throw fail("private_key is not a valid PEM private key (was the JSON copied intact, with its \\n escapes?)");
    }
    const jwt = new JWT({ scopes: [CLOUD_PLATFORM_SCOPE], ...clientOptions });
    jwt.fromJSON(json);
    if (opts.selfSignedJwt) jwt.useJWTAccessWithScope = true;
    return jwt;
  }
  if (type === "authorized_user") {
    const c = new UserRefreshClient(clientOptions);
    try {
      c.fromJSON(json);
    } catch (err) {
      throw fail(err instanceof Error ? err.message : String(err));
    }
    return c;
  }
  throw fail(
    `credential type "${String(type)}" is not a service-account key. For workload identity (external_account), ` +
      "impersonation and other types, leave auth.service_account_* unset and point GOOGLE_APPLICATION_CREDENTIALS at the file " +
      "(Application Default Credentials)",
  );
}

/** The token's expiry when the client knows it; for JWT bearers, the `exp` claim. */
function expiryOf(client: AuthClient, token: string): number | undefined {
  const creds = client.credentials;
  if (creds?.access_token === token && typeof creds.expiry_date === "number" && creds.expiry_date > 1) {
    return creds.expiry_date;
  }
  const parts = token.split(".");
  if (parts.length === 3 && parts[1]) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
      if (typeof claims.exp === "number") return claims.exp * 1000;
    } catch {
      // not a JWT: expiry unknown
    }
  }
  return undefined;
}

/**
 * Makes google-auth-library drop its own cached token so the next getRequestHeaders() mints a new
 * one. The library has no public "invalidate": expire the OAuth2 credentials, the external-account
 * cache and the self-signed-JWT cache (the only three places it caches).
 */
function forceExpire(client: AuthClient): void {
  const c = client as unknown as {
    credentials?: Record<string, unknown>;
    cachedAccessToken?: Record<string, unknown> | null;
    access?: unknown;
  };
  if (c.credentials) c.credentials = { ...c.credentials, expiry_date: 1 };
  if (c.cachedAccessToken) c.cachedAccessToken = { ...c.cachedAccessToken, expiry_date: 1 };
  if ("access" in c) c.access = undefined;
}

function adcKind(client: AuthClient): string {
  const name = client.constructor.name;
  if (name === "Compute") return "metadata server";
  if (client instanceof JWT) return `service account ${client.email ?? ""}`.trim();
  if (name === "UserRefreshClient") return "gcloud user credentials";
  if (name === "Impersonated") return "impersonated service account";
  if (["IdentityPoolClient", "AwsClient", "PluggableAuthClient"].includes(name)) return "workload identity federation";
  return name;
}

function explain(err: unknown, label: string, isAdc: boolean): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (isAdc && /default credentials|NO_ADC_FOUND|Could not load/i.test(msg)) {
    return (
      "No Google credentials found. Set auth.service_account_file (MODELMUX_AUTH_SERVICE_ACCOUNT_FILE), " +
      "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file. " +
      `(google-auth-library: ${msg})`
    );
  }
  if (/invalid_grant/i.test(msg)) {
    return `Google rejected ${label}: ${msg}. The key may be deleted or disabled, or the system clock is wrong.`;
  }
  return `Could not get a Google access token from ${label}: ${msg}`;
}
