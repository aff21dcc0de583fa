/**
 * The one error type that reaches clients. Anything thrown from wire/, translate/, providers/ or server/
 * that should become an HTTP response is an HttpError; everything else becomes a 500 server_error.
 */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "api_error"
  | "timeout_error"
  | "tokens"
  | "requests";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HttpErrorDetails {
  type?: OpenAIErrorType;
  param?: string | null;
  code?: string | null;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: HttpErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpError";
  }

  get type(): string {
    return this.details.type ?? defaultErrorType(this.status);
  }

  toJSON(): OpenAIErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.details.param ?? null,
        code: this.details.code ?? null,
      },
    };
  }
}

/** The OpenAI `type` that goes with a status when none is given. */
export function defaultErrorType(status: number): OpenAIErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** Shorthand for a 400 that names the offending request parameter. */
export function badRequest(message: string, param: string | null = null, code: string | null = null): HttpError {
  return new HttpError(400, message, { type: "invalid_request_error", param, code });
}

/**
 * A failed upstream exchange, before it is given OpenAI meaning (translate/errors.ts does that).
 * `status` is the upstream HTTP status, or 0 when no response arrived.
 */
export class UpstreamError extends Error {
  constructor(
    readonly kind: "http" | "network" | "timeout" | "credentials",
    readonly status: number,
    /** Raw upstream body text (http), or a description of what failed. */
    readonly body: string,
    readonly headers?: Headers,
    options?: ErrorOptions,
  ) {
    super(kind === "http" ? `upstream HTTP ${status}` : `upstream ${kind} error: ${body}`, options);
    this.name = "UpstreamError";
  }
}
