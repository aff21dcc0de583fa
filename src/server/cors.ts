/**
 * CORS, off by default. `[server] cors_origins` is an allow-list of exact origins
 * (`"https://chat.example.com"`, `"http://localhost:5173"`) or `"*"` for any.
 *
 * Because the gateway accepts JSON under any Content-Type, a web page could send a "simple" cross-origin
 * POST (no preflight) and spend quota even though it cannot read the answer. So besides answering
 * preflights, API requests that carry an `Origin` header that is not allowed are REFUSED with 403 — this
 * also defeats DNS-rebinding pages. Non-browser clients send no Origin and are unaffected.
 */
import { HttpError } from "../errors.ts";

/** Headers a browser script may read from our responses. */
const EXPOSE_HEADERS = "x-request-id, x-modelmux-overhead-duration-ms, x-modelmux-stream-mode, retry-after, retry-after-ms";
const DEFAULT_ALLOW_HEADERS = "authorization, content-type, x-api-key, x-request-id";
const ALLOW_METHODS = "GET, POST, OPTIONS";

export interface CorsPolicy {
  /** True when at least one origin is configured. */
  readonly enabled: boolean;
  /** True when a request with this Origin header (null = none sent) may be served. */
  allows(origin: string | null): boolean;
  /** Adds the response headers for an allowed cross-origin request (no-op without an Origin). */
  decorate(headers: Headers, origin: string | null): void;
  /** Answers an OPTIONS request: 204 with CORS headers when allowed, else 403. */
  preflight(req: Request): Response;
}

/** Compiles the allow-list once (lower-cased, trailing slash removed). */
export function createCorsPolicy(origins: readonly string[]): CorsPolicy {
  const any = origins.some((o) => o.trim() === "*");
  const set = new Set(origins.map(normalizeOrigin).filter((o) => o !== "*"));
  const enabled = any || set.size > 0;
  const allows = (origin: string | null) => origin === null || any || set.has(normalizeOrigin(origin));
  const allowOrigin = (origin: string) => (any ? "*" : origin);
  return {
    enabled,
    allows,
    decorate(headers, origin) {
      if (origin === null || !enabled) return;
      headers.set("access-control-allow-origin", allowOrigin(origin));
      headers.set("access-control-expose-headers", EXPOSE_HEADERS);
      if (!any) headers.append("vary", "origin");
    },
    preflight(req) {
      const origin = req.headers.get("origin");
      if (origin === null) return new Response(null, { status: 204, headers: { allow: ALLOW_METHODS } });
      if (!enabled || !allows(origin)) {
        const err = originRefused(origin);
        return new Response(JSON.stringify(err.toJSON()), { status: 403, headers: { "content-type": "application/json", vary: "origin" } });
      }
      const requested = req.headers.get("access-control-request-headers");
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": allowOrigin(origin),
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": requested && requested.length <= 1024 ? requested : DEFAULT_ALLOW_HEADERS,
          "access-control-max-age": "600",
          vary: "origin, access-control-request-headers",
        },
      });
    },
  };
}

/** 403 for a browser origin that is not on the allow-list. */
export function originRefused(origin: string): HttpError {
  return new HttpError(
    403,
    `Cross-origin requests from ${JSON.stringify(origin.slice(0, 200))} are not allowed. Add the origin to [server] cors_origins to let browsers call this gateway.`,
    { type: "permission_error", code: "origin_not_allowed" },
  );
}

function normalizeOrigin(o: string): string {
  const t = o.trim().toLowerCase();
  return t.endsWith("/") ? t.slice(0, -1) : t;
}
