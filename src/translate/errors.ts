/**
 * Upstream failures → OpenAI-style HttpErrors (pure). Upstream messages are kept (clients and people need
 * them: "prompt is too long…", quota names); statuses are chosen so the OpenAI SDKs retry what is worth
 * retrying, and so the client is never blamed for the gateway's own Google credentials.
 *
 * | upstream                                         | client sees                                        |
 * |--------------------------------------------------|----------------------------------------------------|
 * | 400 / invalid_request_error / INVALID_ARGUMENT   | 400 invalid_request_error (`context_length_exceeded` for "prompt is too long") |
 * | 404 / not_found_error / NOT_FOUND, or "Publisher Model … not allowed" | 404 `model_not_found`, param "model" |
 * | 413 / request_too_large                          | 413 `request_too_large`                            |
 * | 429 / rate_limit_error / RESOURCE_EXHAUSTED      | 429 type "requests", `rate_limit_exceeded`, Retry-After |
 * | 529 / overloaded_error, 503 / UNAVAILABLE        | 503 server_error (`overloaded` / `upstream_unavailable`), Retry-After |
 * | 401/403, authentication/permission_error, UNAUTHENTICATED/PERMISSION_DENIED | 502 `upstream_auth_failed` (actionable) |
 * | 500 api_error, INTERNAL, other 5xx, FAILED_PRECONDITION | 502 `upstream_error` (the fault is upstream: Bad Gateway) |
 * | 504 / timeout_error / DEADLINE_EXCEEDED, kind "timeout" | 504 `upstream_timeout`                       |
 * | kind "network" / "credentials"                   | 502 `upstream_unreachable` / `upstream_credentials` |
 * | a body that is not JSON (HTML from a proxy…)     | 502 with a short snippet (429/413/408/504 keep their meaning) |
 */
import { HttpError, type UpstreamError } from "../errors.ts";
import type { ErrorObject } from "../wire/anthropic.ts";
import { parseUpstreamErrorBody, snippet } from "./error-body.ts";

/** Retry-After (seconds) sent on 429/503 when neither the caller nor the upstream gave one. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

type Outcome =
  | "bad_request"
  | "model_not_found"
  | "too_large"
  | "rate_limit"
  | "overloaded"
  | "unavailable"
  | "credentials"
  | "upstream_error"
  | "timeout";

type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "billing_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error"
  | "timeout_error";

/** Anthropic `error.type` → outcome (protocol.md §E.1). */
const ANTHROPIC_TYPES = {
  invalid_request_error: "bad_request",
  authentication_error: "credentials",
  permission_error: "credentials",
  billing_error: "upstream_error",
  not_found_error: "model_not_found",
  request_too_large: "too_large",
  rate_limit_error: "rate_limit",
  api_error: "upstream_error",
  overloaded_error: "overloaded",
  timeout_error: "timeout",
} as const satisfies Record<AnthropicErrorType, Outcome>;

type GoogleStatus =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "OUT_OF_RANGE"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "UNAVAILABLE"
  | "INTERNAL"
  | "DEADLINE_EXCEEDED"
  | "CANCELLED"
  | "UNIMPLEMENTED"
  | "ABORTED"
  | "ALREADY_EXISTS"
  | "DATA_LOSS"
  | "UNKNOWN";

/** Google `error.status` (google.rpc.Code names) → outcome (protocol.md §E.2). */
const GOOGLE_STATUSES = {
  INVALID_ARGUMENT: "bad_request",
  OUT_OF_RANGE: "bad_request",
  // Project state (model not enabled, billing off, location not allowed): the gateway's setup, not the request.
  FAILED_PRECONDITION: "upstream_error",
  UNAUTHENTICATED: "credentials",
  PERMISSION_DENIED: "credentials",
  NOT_FOUND: "model_not_found",
  RESOURCE_EXHAUSTED: "rate_limit",
  UNAVAILABLE: "unavailable",
  INTERNAL: "upstream_error",
  DEADLINE_EXCEEDED: "timeout",
  CANCELLED: "upstream_error",
  UNIMPLEMENTED: "upstream_error",
  ABORTED: "upstream_error",
  ALREADY_EXISTS: "upstream_error",
  DATA_LOSS: "upstream_error",
  UNKNOWN: "upstream_error",
} as const satisfies Record<GoogleStatus, Outcome>;

function byStatus(status: number): Outcome {
  if (status === 400 || status === 422) return "bad_request";
  if (status === 401 || status === 403) return "credentials";
  if (status === 404) return "model_not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 413) return "too_large";
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  if (status === 503) return "unavailable";
  if (status >= 400 && status < 500) return "bad_request";
  return "upstream_error";
}

function lookup<T extends Record<string, Outcome>>(table: T, key: string | undefined): Outcome | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key as keyof T] : undefined;
}

interface Built {
  outcome: Outcome;
  message: string;
  status: number;
  statusName?: string;
  retryAfter: number;
  /** The body was not JSON; `message` is a snippet of it. */
  nonJson?: boolean;
  cause?: unknown;
}

function withDefault(message: string, fallback: string): string {
  return message.trim() === "" ? fallback : message;
}

/** A message quoted inside our own sentence: no trailing period (we add punctuation around it). */
function quoted(message: string, fallback: string): string {
  return withDefault(message, fallback).trim().replace(/\.+$/, "");
}

function build(b: Built): HttpError {
  const where = b.status > 0 ? `HTTP ${b.status}${b.statusName ? ` ${b.statusName}` : ""}` : "a stream error";
  const opts = b.cause === undefined ? undefined : { cause: b.cause };
  const retryHeaders = { "Retry-After": String(b.retryAfter) };
  switch (b.outcome) {
    case "bad_request": {
      const message = withDefault(b.message, `Vertex AI rejected the request (${where})`);
      const tooLong = /prompt is too long|context window|input is too long/i.test(message);
      return new HttpError(400, message, { type: "invalid_request_error", param: tooLong ? "messages" : null, code: tooLong ? "context_length_exceeded" : null }, opts);
    }
    case "model_not_found":
      return new HttpError(404, `model not found on Vertex AI: ${withDefault(b.message, where)}`, { type: "invalid_request_error", param: "model", code: "model_not_found" }, opts);
    case "too_large":
      return new HttpError(413, withDefault(b.message, "the request is too large for Vertex AI"), { type: "invalid_request_error", code: "request_too_large" }, opts);
    case "rate_limit":
      return new HttpError(429, `Vertex AI rate limit or quota reached, retry after ${b.retryAfter}s: ${withDefault(b.message, where)}`, { type: "requests", code: "rate_limit_exceeded", headers: retryHeaders }, opts);
    case "overloaded":
      return new HttpError(503, `Vertex AI is overloaded, please retry later: ${withDefault(b.message, where)}`, { type: "server_error", code: "overloaded", headers: retryHeaders }, opts);
    case "unavailable":
      return new HttpError(503, `Vertex AI is temporarily unavailable: ${withDefault(b.message, where)}`, { type: "server_error", code: "upstream_unavailable", headers: retryHeaders }, opts);
    case "credentials":
      return new HttpError(
        502,
        `the gateway's Google credentials were rejected by Vertex AI (${where}: ${quoted(b.message, "no message")}). ` +
          "This is a gateway configuration problem, not a problem with your request: check the service account " +
          "or ADC the gateway uses, that it has the IAM role roles/aiplatform.user on the project, and that the Vertex AI API is enabled.",
        { type: "server_error", code: "upstream_auth_failed" },
        opts,
      );
    case "timeout":
      return new HttpError(504, `Vertex AI timed out: ${withDefault(b.message, where)}`, { type: "timeout_error", code: "upstream_timeout" }, opts);
    case "upstream_error":
      return new HttpError(502, `Vertex AI returned ${where}${b.nonJson ? " with a non-JSON body" : ""}: ${withDefault(b.message, "(empty body)")}`, { type: "server_error", code: "upstream_error" }, opts);
  }
}

/** Seconds from an upstream `retry-after` header when it is a sane number of seconds (1..3600). */
function upstreamRetryAfter(headers: Headers | undefined): number | undefined {
  const v = headers?.get("retry-after");
  if (v == null || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return n >= 1 && n <= 3600 ? n : undefined;
}

/** Hides upstream URLs (they carry the project id and region) from messages sent to clients. */
function redactUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>)]+/g, "<vertex-url>");
}

/**
 * Maps a failed upstream exchange to the HttpError the client gets (see the table above). `retryAfterSeconds`
 * is our own Retry-After for 429/503 (default: the upstream's header if sane, else DEFAULT_RETRY_AFTER_SECONDS).
 */
export function toHttpError(e: UpstreamError, opts: { retryAfterSeconds?: number } = {}): HttpError {
  const retryAfter = Math.max(1, Math.round(opts.retryAfterSeconds ?? upstreamRetryAfter(e.headers) ?? DEFAULT_RETRY_AFTER_SECONDS));
  switch (e.kind) {
    case "timeout":
      return new HttpError(504, `Vertex AI did not answer in time: ${snippet(redactUrls(e.body))}`, { type: "timeout_error", code: "upstream_timeout" }, { cause: e });
    case "network":
      return new HttpError(502, `could not reach Vertex AI: ${snippet(redactUrls(e.body))}`, { type: "server_error", code: "upstream_unreachable" }, { cause: e });
    case "credentials":
      return new HttpError(
        502,
        `the gateway could not obtain Google credentials (${quoted(snippet(e.body), "no details")}). This is a gateway configuration problem: ` +
          "check GOOGLE_APPLICATION_CREDENTIALS / the configured service-account key, or Application Default Credentials " +
          "(gcloud auth application-default login, or the metadata server on GCP).",
        { type: "server_error", code: "upstream_credentials" },
        { cause: e },
      );
    case "http":
      break;
  }
  const parsed = parseUpstreamErrorBody(e.body);
  let outcome: Outcome;
  if (!parsed.json) {
    const meaningful = [408, 413, 429, 504].includes(e.status);
    outcome = meaningful ? byStatus(e.status) : "upstream_error";
    return build({ outcome, message: parsed.message, status: e.status, retryAfter, nonJson: parsed.message !== "", cause: e });
  }
  if (isQuotaError(e.status, e.body) || parsed.anthropicType === "rate_limit_error") outcome = "rate_limit";
  else if (parsed.googleStatus === "FAILED_PRECONDITION" && /Publisher Model/.test(parsed.message)) outcome = "model_not_found";
  else outcome = lookup(ANTHROPIC_TYPES, parsed.anthropicType) ?? lookup(GOOGLE_STATUSES, parsed.googleStatus) ?? byStatus(e.status);
  return build({ outcome, message: parsed.message, status: e.status, statusName: parsed.googleStatus, retryAfter, cause: e });
}

/** Maps an `event: error` that arrived inside a 200 stream (e.g. overloaded_error) to an HttpError. */
export function streamErrorToHttpError(err: ErrorObject): HttpError {
  const type = err && typeof err.type === "string" ? err.type : undefined;
  const message = err && typeof err.message === "string" ? err.message : "";
  const outcome = lookup(ANTHROPIC_TYPES, type) ?? "upstream_error";
  return build({ outcome, message: type && outcome === "upstream_error" ? `${type}: ${message}` : message, status: 0, retryAfter: DEFAULT_RETRY_AFTER_SECONDS });
}

/** True for quota / rate-limit failures: HTTP 429 or a Google RESOURCE_EXHAUSTED status in the body. */
export function isQuotaError(status: number, body: string): boolean {
  return status === 429 || body.includes("RESOURCE_EXHAUSTED");
}
