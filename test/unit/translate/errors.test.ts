import { describe, expect, test } from "bun:test";
import { HttpError, UpstreamError, type OpenAIErrorBody } from "../../../src/errors.ts";
import { parseUpstreamErrorBody } from "../../../src/translate/error-body.ts";
import { DEFAULT_RETRY_AFTER_SECONDS, isQuotaError, streamErrorToHttpError, toHttpError } from "../../../src/translate/errors.ts";
import { SCHEMAS, schemaErrors } from "../../helpers/openapi.ts";

const DIR = new URL("../../fixtures/errors/", import.meta.url);
const cases = [...new Bun.Glob("*.json").scanSync(DIR.pathname)].map((f) => f.replace(".json", "")).sort();

interface ErrorCase {
  kind: UpstreamError["kind"];
  status: number;
  /** Inline description for non-http kinds; http bodies live in <case>.body, byte for byte. */
  body?: string;
  headers?: Record<string, string>;
  retryAfterSeconds?: number;
  expected: { status: number; headers: Record<string, string>; body: OpenAIErrorBody };
}

async function load(name: string): Promise<{ spec: ErrorCase; error: UpstreamError }> {
  const spec = (await Bun.file(new URL(`${name}.json`, DIR)).json()) as ErrorCase;
  const body = spec.kind === "http" ? await Bun.file(new URL(`${name}.body`, DIR)).text() : (spec.body ?? "");
  return { spec, error: new UpstreamError(spec.kind, spec.status, body, spec.headers ? new Headers(spec.headers) : undefined) };
}

describe("toHttpError over fixture bodies", () => {
  test("the mapping table's rows all have fixtures", () => {
    for (const c of ["anthropic-400-prompt-too-long", "anthropic-529-overloaded", "anthropic-500-api-error", "anthropic-413-too-large", "google-404-not-found", "google-429-quota", "google-429-quota-array", "google-401-unauthenticated", "google-403-permission-denied", "google-400-double-wrapped", "html-503-unavailable", "kind-timeout", "kind-network", "kind-credentials"]) {
      expect(cases).toContain(c);
    }
  });

  test.each(cases)("%s", async (name) => {
    const { spec, error } = await load(name);
    const out = toHttpError(error, spec.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: spec.retryAfterSeconds });
    expect(out).toBeInstanceOf(HttpError);
    expect({ status: out.status, headers: out.details.headers ?? {}, body: out.toJSON() }).toEqual(spec.expected);
    expect(out.cause).toBe(error);
    expect(await schemaErrors(SCHEMAS.error, out.toJSON())).toBe("");
    expect(Object.keys(out.toJSON().error).sort()).toEqual(["code", "message", "param", "type"]);
  });
});

describe("toHttpError rules", () => {
  const http = (status: number, body: string, headers?: Record<string, string>) => new UpstreamError("http", status, body, headers ? new Headers(headers) : undefined);

  test("the upstream message is preserved verbatim for client errors", () => {
    const e = toHttpError(http(400, '{"type":"error","error":{"type":"invalid_request_error","message":"tools.0.name: String should match pattern"}}'));
    expect(e.status).toBe(400);
    expect(e.message).toBe("tools.0.name: String should match pattern");
  });

  test("429 always carries our Retry-After; a sane upstream retry-after wins over the default, the caller's over both", () => {
    const quota = '{"error":{"code":429,"message":"q","status":"RESOURCE_EXHAUSTED"}}';
    expect(toHttpError(http(429, quota)).details.headers).toEqual({ "Retry-After": String(DEFAULT_RETRY_AFTER_SECONDS) });
    expect(toHttpError(http(429, quota, { "retry-after": "5" })).details.headers).toEqual({ "Retry-After": "5" });
    expect(toHttpError(http(429, quota, { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" })).details.headers).toEqual({ "Retry-After": "10" });
    expect(toHttpError(http(429, quota, { "retry-after": "99999" })).details.headers).toEqual({ "Retry-After": "10" });
    expect(toHttpError(http(429, quota, { "retry-after": "5" }), { retryAfterSeconds: 2.6 }).details.headers).toEqual({ "Retry-After": "3" });
  });

  test("RESOURCE_EXHAUSTED under another status is still a rate limit", () => {
    const e = toHttpError(http(400, '{"error":{"code":400,"message":"Resource exhausted.","status":"RESOURCE_EXHAUSTED"}}'));
    expect(e.status).toBe(429);
  });

  test("unknown types and statuses fall back on the HTTP status", () => {
    expect(toHttpError(http(409, '{"type":"error","error":{"type":"brand_new_error","message":"m"}}')).status).toBe(400);
    expect(toHttpError(http(418, '{"error":{"code":418,"message":"teapot","status":"SOMETHING_NEW"}}')).status).toBe(400);
    expect(toHttpError(http(599, '{"whatever":true}')).status).toBe(502);
    expect(toHttpError(http(529, '{"error":"overloaded"}')).status).toBe(503);
    expect(toHttpError(http(404, "[]")).toJSON().error.code).toBe("model_not_found");
  });

  test("401/403 never blame the client", () => {
    for (const status of [401, 403]) {
      const e = toHttpError(http(status, '{"type":"error","error":{"type":"permission_error","message":"nope"}}'));
      expect(e.status).toBe(502);
      expect(e.message).toContain("roles/aiplatform.user");
    }
  });

  test("long non-JSON bodies are cut to a snippet", () => {
    const e = toHttpError(http(500, `<html>${"x".repeat(5000)}</html>`));
    expect(e.status).toBe(502);
    expect(e.message.length).toBeLessThan(300);
  });
});

describe("streamErrorToHttpError", () => {
  test.each([
    ["overloaded_error", 503, "overloaded"],
    ["api_error", 502, "upstream_error"],
    ["rate_limit_error", 429, "rate_limit_exceeded"],
    ["invalid_request_error", 400, null],
    ["timeout_error", 504, "upstream_timeout"],
    ["never_seen_error", 502, "upstream_error"],
  ] as const)("maps %s to %d", async (type, status, code) => {
    const e = streamErrorToHttpError({ type, message: "Upstream says hi" });
    expect(e.status).toBe(status);
    expect(e.toJSON().error.code).toBe(code);
    expect(e.message).toContain("Upstream says hi");
    expect(await schemaErrors(SCHEMAS.error, e.toJSON())).toBe("");
  });

  test("a malformed error object still maps", () => {
    expect(streamErrorToHttpError(null as never).status).toBe(502);
    expect(streamErrorToHttpError({ details: null } as never).status).toBe(502);
  });
});

describe("isQuotaError", () => {
  test("429 or RESOURCE_EXHAUSTED", () => {
    expect(isQuotaError(429, "")).toBe(true);
    expect(isQuotaError(400, '{"error":{"status":"RESOURCE_EXHAUSTED"}}')).toBe(true);
    expect(isQuotaError(503, '{"error":{"status":"UNAVAILABLE"}}')).toBe(false);
    expect(isQuotaError(400, "")).toBe(false);
  });
});

describe("parseUpstreamErrorBody", () => {
  test("never throws on odd bodies", () => {
    for (const body of ["", "null", "0", '"str"', "[", "[1]", '{"error":null}', '{"error":{"message":5}}', '{"type":"error","error":[]}', "\u0000", '{"error":{"code":400,"message":"{not json"}}']) {
      expect(() => parseUpstreamErrorBody(body)).not.toThrow();
    }
  });

  test("reads the Anthropic error out of a Google double wrap", () => {
    const inner = JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    const p = parseUpstreamErrorBody(JSON.stringify({ error: { code: 529, message: inner, status: "UNAVAILABLE" } }));
    expect(p).toEqual({ family: "anthropic", anthropicType: "overloaded_error", message: "Overloaded", json: true, googleStatus: "UNAVAILABLE" });
  });
});
