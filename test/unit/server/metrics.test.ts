import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../../../src/errors.ts";
import { classifyUpstreamError, Metrics } from "../../../src/server/metrics.ts";
import { instrumentTokenSource } from "../../../src/server/token-metrics.ts";
import { upstreamRequestIdOf } from "../../../src/server/upstream-hooks.ts";
import { parsePrometheus, sampleSum } from "../../helpers/prom-text.ts";

describe("classifyUpstreamError", () => {
  test.each([
    [429, "quota"],
    [529, "overloaded"],
    [503, "unavailable"],
    [401, "auth"],
    [403, "auth"],
    [504, "timeout"],
    [500, "server"],
    [400, "client"],
    ["network", "network"],
  ] as const)("%s → %s", (reason, type) => expect(classifyUpstreamError(reason)).toBe(type));

  test("UpstreamError kinds and overloaded bodies", () => {
    expect(classifyUpstreamError(new UpstreamError("timeout", 0, "deadline"))).toBe("timeout");
    expect(classifyUpstreamError(new UpstreamError("credentials", 0, "no key"))).toBe("auth");
    expect(classifyUpstreamError(new UpstreamError("network", 0, "reset"))).toBe("network");
    expect(classifyUpstreamError(new UpstreamError("http", 503, '{"error":{"type":"overloaded_error"}}'))).toBe("overloaded");
    expect(classifyUpstreamError(new UpstreamError("http", 429, "Quota exceeded"))).toBe("quota");
  });
});

test("upstream request ids come from headers or Anthropic error bodies", () => {
  expect(upstreamRequestIdOf(new UpstreamError("http", 400, '{"type":"error","error":{},"request_id":"req_vrtx_011CX6"}'))).toBe("req_vrtx_011CX6");
  expect(upstreamRequestIdOf(new UpstreamError("http", 500, "x", new Headers({ "request-id": "req_1" })))).toBe("req_1");
  expect(upstreamRequestIdOf(new UpstreamError("http", 500, "<html>"))).toBeUndefined();
});

describe("Metrics", () => {
  test("/health keeps the seed's shape", () => {
    const m = new Metrics(0);
    expect(m.health()).toEqual({ total_requests: 0, successful_requests: 0, failed_requests: 0, quota_errors: 0, retry_attempts: 0, success_rate: 100 });
    m.total = 3;
    m.success = 2;
    expect(m.health().success_rate).toBe(66.7);
  });

  test("exposition parses and carries every documented family", () => {
    const m = new Metrics(Date.now(), { version: "1.2.3", provider: "mock" });
    m.requests.inc(["/v1/chat/completions", "claude", "200", "json"]);
    m.duration.observe(0.3, ["/v1/chat/completions", "json"]);
    m.upstreamTtfb.observe(0.2, ["claude"]);
    m.overhead.observe(0.0004);
    m.upstreamAttempts.inc([], 2);
    m.upstreamError(429);
    m.tokens.inc(["claude", "input"], 10);
    m.tokenRefreshed(true);
    m.inFlight = 2;
    const fams = parsePrometheus(m.prometheus());
    for (const name of [
      "modelmux_requests_total",
      "modelmux_request_duration_seconds",
      "modelmux_upstream_ttfb_seconds",
      "modelmux_gateway_overhead_seconds",
      "modelmux_upstream_attempts_total",
      "modelmux_upstream_errors_total",
      "modelmux_tokens_total",
      "modelmux_in_flight_requests",
      "modelmux_queued_requests",
      "modelmux_token_refreshes_total",
      "modelmux_rate_limited_total",
      "modelmux_auth_rejections_total",
      "modelmux_config_reloads_total",
      "modelmux_build_info",
      "process_start_time_seconds",
      "process_resident_memory_bytes",
    ]) {
      expect(fams.has(name)).toBe(true);
    }
    expect(sampleSum(fams, "modelmux_upstream_errors_total", { type: "quota" })).toBe(1);
    expect(sampleSum(fams, "modelmux_upstream_attempts_total")).toBe(2);
    expect(sampleSum(fams, "modelmux_in_flight_requests")).toBe(2);
    expect(sampleSum(fams, "modelmux_build_info", { version: "1.2.3", provider: "mock" })).toBe(1);
    expect(sampleSum(fams, "modelmux_gateway_overhead_seconds_bucket", { le: "0.0005" })).toBe(1);
    expect(sampleSum(fams, "modelmux_token_refreshes_total", { result: "success" })).toBe(1);
  });

});

test("token refreshes are counted once per new token and once per failed mint", async () => {
  const m = new Metrics(0);
  let n = 0;
  let fail: Promise<string> | undefined;
  const tokens = instrumentTokenSource(
    {
      getToken: () => fail ?? Promise.resolve(`tok-${Math.floor(n++ / 3)}`),
      invalidate() {},
      describe: () => "fake",
    },
    m,
  );
  for (let i = 0; i < 6; i++) await tokens.getToken(); // tok-0 ×3, tok-1 ×3
  fail = Promise.reject(new Error("mint failed"));
  fail.catch(() => {});
  await Promise.allSettled([tokens.getToken(), tokens.getToken()]);
  expect(m.tokenRefreshes.get(["success"])).toBe(2);
  expect(m.tokenRefreshes.get(["failure"])).toBe(1);
});

test("a cached token passes through the token metrics still settled (callers take it without waiting)", () => {
  const m = new Metrics(0);
  const cached = Promise.resolve("tok");
  const tokens = instrumentTokenSource({ getToken: () => cached, invalidate() {}, describe: () => "fake" }, m);
  const p = tokens.getToken();
  expect(p).toBe(cached);
  expect(Bun.peek.status(p)).toBe("fulfilled");
  tokens.getToken();
  expect(m.tokenRefreshes.get(["success"])).toBe(1);
});
