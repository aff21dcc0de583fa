/** Response helpers: JSON bodies and OpenAI-shaped errors (the only place errors become Responses). */
import { HttpError } from "../errors.ts";

const JSON_HEADERS = { "content-type": "application/json" } as const;

/** A JSON response with optional extra headers. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS });
}

/** An OpenAI error response for an HttpError (with its extra headers, e.g. Retry-After). */
export function errorResponse(err: HttpError, headers?: Record<string, string>): Response {
  return json(err.toJSON(), err.status, { ...err.details.headers, ...headers });
}

/** 404 for an unknown path. */
export function notFound(path: string): HttpError {
  return new HttpError(404, `Unknown request URL: ${path}. Please check the URL (the API lives under /v1).`, {
    type: "invalid_request_error",
    code: "unknown_url",
  });
}

/** 405 for a known path with the wrong method. */
export function methodNotAllowed(method: string, path: string, allowed: string[]): HttpError {
  return new HttpError(405, `Method ${method} is not allowed on ${path}; use ${allowed.join(", ")}.`, {
    type: "invalid_request_error",
    code: "method_not_allowed",
    headers: { allow: allowed.join(", ") },
  });
}
