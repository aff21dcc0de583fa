/** Production operation, observability and lifecycle: /metrics, probes, request ids, overhead, reload, drain. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import { defineConfig } from "../../src/config/schema.ts";
import { createMockProvider } from "../../src/providers/mock/index.ts";
import { OVERHEAD_HEADER } from "../../src/server/app.ts";
import { listen } from "../../src/server/serve.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { anthropicErrorReply, invalidRequest, messageToSSE, overloaded529, sseError, startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { ALL_LOGS, apiKeys, chat, KEYS, SECRETS, startOpsGateway, type OpsGateway } from "../helpers/ops-gateway.ts";
import { parsePrometheus, sampleSum } from "../helpers/prom-text.ts";

const ACCESS_TOKEN = "ya29.test-access-token-DO-NOT-LOG";
const started: OpsGateway[] = [];
const gateway = async (...a: Parameters<typeof startOpsGateway>) => {
  const g = await startOpsGateway(...a);
  started.push(g);
  return g;
};
let fake: FakeVertex;
beforeAll(async () => {
  fake = await startFakeVertex();
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.stop()));
  await fake.close();
});

const vertex = (extra: Record<string, any> = {}) => ({
  ...extra,
  server: { enable_retries: false, ...extra.server },
  auth: { access_token: ACCESS_TOKEN, ...extra.auth },
  vertex: { provider: "vertex" as const, project: "p1", region: "us-east5", model: "claude-sonnet-4-5@20250929", base_url: fake.url },
});
const scrape = async (g: OpsGateway) => {
  const res = await fetch(g.url + "/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheus(await res.text());
};

describe("GET /metrics", () => {
  test("parses as Prometheus text and its counters move", async () => {
    const gw = await gateway({ config: { auth: { api_keys: apiKeys({ limited: { models: ["claude-sonnet-4-5"] } }) } } });
    const m0 = await scrape(gw);
    const chatOk = { route: "/v1/chat/completions", model: "claude-sonnet-4-5", status: "200" };
    const r1 = await gw.post("/v1/chat/completions", chat(), { key: KEYS.full });
    await r1.json();
    const r2 = await gw.post("/v1/chat/completions", chat(undefined, { stream: true, stream_options: { include_usage: true } }), { key: KEYS.full });
    await r2.text();
    await gw.post("/v1/chat/completions", chat());
    await gw.post("/v1/chat/completions", chat("gpt-4o"), { key: KEYS.full });
    await Bun.sleep(5);
    const m1 = await scrape(gw);
    const delta = (name: string, labels: Record<string, string> = {}) => sampleSum(m1, name, labels) - sampleSum(m0, name, labels);
    expect(delta("modelmux_requests_total", { ...chatOk, stream: "json" })).toBe(1);
    expect(delta("modelmux_requests_total", { ...chatOk, stream: "standard" })).toBe(1);
    expect(delta("modelmux_requests_total", { route: "/v1/chat/completions", status: "401" })).toBe(1);
    // Unknown model names never become label values.
    expect(delta("modelmux_requests_total", { route: "/v1/chat/completions", model: "other", status: "404" })).toBe(1);
    expect(delta("modelmux_request_duration_seconds_count", { route: "/v1/chat/completions" })).toBe(4);
    expect(delta("modelmux_upstream_ttfb_seconds_count", { model: "claude-sonnet-4-5" })).toBe(2);
    expect(delta("modelmux_gateway_overhead_seconds_count")).toBe(2);
    expect(delta("modelmux_upstream_attempts_total")).toBe(2);
    expect(delta("modelmux_tokens_total", { model: "claude-sonnet-4-5", type: "input" })).toBeGreaterThan(0);
    expect(delta("modelmux_tokens_total", { model: "claude-sonnet-4-5", type: "output" })).toBeGreaterThan(0);
    expect(delta("modelmux_auth_rejections_total", { reason: "missing" })).toBe(1);
    expect(sampleSum(m1, "modelmux_in_flight_requests")).toBe(0);
    expect(sampleSum(m1, "modelmux_build_info", { provider: "mock" })).toBe(1);
  });

  test("upstream errors by type, attempts with retries, token refreshes, upstream request ids", async () => {
    const gw = await gateway({ config: vertex() });
    fake.clear();
    fake.reply(overloaded529(), invalidRequest("messages: text content blocks must be non-empty"));
    const overloaded = await gw.post("/v1/chat/completions", chat());
    expect(overloaded.status).toBe(503);
    const bad = await gw.post("/v1/chat/completions", chat());
    expect(bad.status).toBe(400);
    const ok = await gw.post("/v1/chat/completions", chat());
    expect(ok.status).toBe(200);
    const m = await scrape(gw);
    expect(sampleSum(m, "modelmux_upstream_errors_total", { type: "overloaded" })).toBe(1);
    expect(sampleSum(m, "modelmux_upstream_errors_total", { type: "client" })).toBe(1);
    expect(sampleSum(m, "modelmux_upstream_attempts_total")).toBe(3);
    expect(sampleSum(m, "modelmux_token_refreshes_total", { result: "success" })).toBe(1);
    const line = gw.lines().find((l) => l.msg === "request" && l.request_id === bad.headers.get("x-request-id"));
    expect(line?.upstream_request_id).toBe("req_vrtx_011CFakeRequestId0000001");
    expect(line?.upstream_status).toBe(400);
  });

  test("quota errors that are retried count once per failed attempt", async () => {
    const gw = await gateway({ config: vertex({ server: { enable_retries: true, max_retry_attempts: 1 } }) });
    fake.clear();
    fake.reply(anthropicErrorReply(429, "rate_limit_error", "slow down"), { message: {} });
    // The provider's backoff (0.5 s base) applies here; this is the only slow test in the file.
    const res = await gw.post("/v1/chat/completions", chat());
    expect(res.status).toBe(200);
    const m = await scrape(gw);
    expect(sampleSum(m, "modelmux_upstream_errors_total", { type: "quota" })).toBe(1);
    expect(sampleSum(m, "modelmux_upstream_attempts_total")).toBe(2);
    const health = (await (await fetch(gw.url + "/health")).json()) as any;
    expect(health.metrics.retry_attempts).toBe(1);
  });
});

describe("request limits upstream", () => {
  test("the per-request upstream deadline → 504 upstream_timeout", async () => {
    const gw = await gateway({ config: vertex({ server: { request_timeout_ms: 150 } }) });
    fake.clear();
    fake.reply({ message: {}, delayMs: 2_000 });
    const res = await gw.post("/v1/chat/completions", chat());
    expect(res.status).toBe(504);
    expect(((await res.json()) as any).error.code).toBe("upstream_timeout");
  });
});

describe("request ids", () => {
  let gw: OpsGateway;
  beforeAll(async () => {
    gw = await gateway({ config: { auth: { api_keys: apiKeys() } } });
  });
  test("a sane x-request-id is used in the response header, the error body and the log line", async () => {
    const res = await gw.post("/v1/chat/completions", chat(), { headers: { "x-request-id": "trace-42.a:b" } });
    expect(res.headers.get("x-request-id")).toBe("trace-42.a:b");
    expect(((await res.json()) as any).request_id).toBe("trace-42.a:b");
    const lines = gw.lines().filter((l) => l.request_id === "trace-42.a:b");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ msg: "request", status: 401 });
  });
  test("absent or insane ids are replaced by a generated one", async () => {
    const a = await gw.post("/v1/chat/completions", chat(), { key: KEYS.full });
    expect(a.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const b = await gw.post("/v1/chat/completions", chat(), { key: KEYS.full, headers: { "x-request-id": "x".repeat(200) } });
    expect(b.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });
  test("every log line of a request carries its id", async () => {
    const vgw = await gateway({ config: vertex() });
    fake.clear();
    await (await vgw.post("/v1/chat/completions", chat(), { headers: { "x-request-id": "every-line-1" } })).json();
    const related = vgw.lines().filter((l) => JSON.stringify(l).includes("every-line-1"));
    expect(related.length).toBeGreaterThan(0);
    for (const l of related) expect(l.request_id).toBe("every-line-1");
  });
  test("a mid-stream error frame carries the request id", async () => {
    const vgw = await gateway({ config: vertex() });
    fake.clear();
    const pieces = messageToSSE({ id: "msg_vrtx_1", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "partial answer" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 5, output_tokens: 5 } } as any);
    fake.reply({ sse: [...pieces.slice(0, 4), sseError()] });
    const res = await vgw.post("/v1/chat/completions", chat(undefined, { stream: true }), { headers: { "x-request-id": "stream-err-1" } });
    const text = await res.text();
    const frame = text.split("\n\n").find((f) => f.includes('"error"'));
    expect(frame).toBeDefined();
    expect(JSON.parse(frame!.slice("data: ".length)).request_id).toBe("stream-err-1");
  });
});

describe("overhead header", () => {
  test("every API response says what the gateway added, in ms", async () => {
    const gw = await gateway();
    for (const res of [await gw.post("/v1/chat/completions", chat()), await gw.post("/v1/chat/completions", "{"), await gw.get("/v1/models")]) {
      const v = res.headers.get(OVERHEAD_HEADER);
      expect(v).toMatch(/^\d+\.\d{3}$/);
      expect(Number(v)).toBeGreaterThanOrEqual(0);
      await res.arrayBuffer();
    }
    const s = await gw.post("/v1/chat/completions", chat(undefined, { stream: true }));
    expect(s.headers.get(OVERHEAD_HEADER)).toMatch(/^\d+\.\d{3}$/);
    await s.text();
  });
});

describe("probes", () => {
  test("/health keeps the seed's shape; /livez and /readyz answer", async () => {
    const gw = await gateway({ config: vertex() });
    const health = (await (await fetch(gw.url + "/health")).json()) as any;
    expect(health.status).toBe("ok");
    expect(Object.keys(health.metrics).sort()).toEqual(["failed_requests", "quota_errors", "retry_attempts", "success_rate", "successful_requests", "total_requests"]);
    expect(await (await fetch(gw.url + "/livez")).json()).toEqual({ status: "ok" });
    const ready = await fetch(gw.url + "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
  test("/readyz is 503 while draining; the app works standalone through fetch (no Bun.serve)", async () => {
    const app = createApp(defineConfig({ vertex: { provider: "mock" } }));
    const res = await app.fetch(new Request("http://gw/v1/chat/completions", { method: "POST", body: JSON.stringify(chat()) }));
    expect(res.status).toBe(200);
    expect((await app.fetch(new Request("http://gw/readyz"))).status).toBe(200);
    app.drain();
    const draining = await app.fetch(new Request("http://gw/readyz"));
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: "draining" });
  });
  test("/readyz is 503 with a reason when no token can be minted", async () => {
    const provider = { ...createMockProvider(), ready: () => Promise.reject(new Error("could not mint a token: Bearer ya29.leaked-in-message")) };
    const app = createApp(defineConfig({ vertex: { provider: "mock" } }), { provider });
    const res = await app.fetch(new Request("http://gw/readyz"));
    expect(res.status).toBe(503);
    const body = JSON.stringify(await res.json());
    expect(body).toContain("could not mint a token");
    expect(body).not.toContain("leaked-in-message");
  });
});

describe("reload (SIGHUP)", () => {
  test("swaps keys, limits and models atomically; in-flight streams finish on the old generation", async () => {
    const base = { server: { port: 0 }, vertex: { provider: "mock" as const } };
    const gw = await gateway({ provider: createMockProvider({ delayMs: 20 }), config: { auth: { api_keys: apiKeys().filter((k) => k.name === "full") } } });
    const inflight = await gw.post("/v1/chat/completions", chat(undefined, { stream: true }), { key: KEYS.full });
    expect(inflight.status).toBe(200);
    gw.running.reload(
      defineConfig({
        ...base,
        vertex: { provider: "mock", models: [{ name: "fresh", model: "claude-haiku-4-5@20251001" }] },
        auth: { api_keys: apiKeys({ other: { requests_per_minute: 1 } }).filter((k) => k.name === "other") },
      }),
    );
    expect(await inflight.text()).toContain("[DONE]");
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.full })).status).toBe(401);
    expect((await gw.post("/v1/chat/completions", chat("fresh"), { key: KEYS.other })).status).toBe(200);
    expect((await gw.post("/v1/chat/completions", chat("fresh"), { key: KEYS.other })).status).toBe(429);
    const m = await scrape(gw);
    expect(sampleSum(m, "modelmux_config_reloads_total", { result: "success" })).toBe(1);
    const access = gw.lines().find((l) => l.msg === "request" && l.key === "full" && l.stream_mode === "standard");
    expect(access?.status).toBe(200);
  });
  test("settings that need a restart are named (not their values) in a warning", async () => {
    const gw = await gateway();
    gw.running.reload(defineConfig({ server: { port: 1234 }, auth: { access_token: ACCESS_TOKEN }, vertex: { provider: "mock" } }));
    const warn = gw.lines().find((l) => l.msg.includes("restart"));
    expect(warn?.keys).toEqual(["server.port", "auth.access_token"]);
  });
  test("a reload that would open a non-loopback bind is refused and the old config stays", async () => {
    const cfg = defineConfig({ server: { host: "0.0.0.0", allow_unauthenticated: false }, auth: { api_keys: apiKeys() }, vertex: { provider: "mock" } });
    const app = createApp(cfg);
    expect(() => app.reload(defineConfig({ server: { host: "0.0.0.0" }, vertex: { provider: "mock" } }))).toThrow(/allow_unauthenticated/);
    const res = await app.fetch(new Request("http://gw/v1/models"));
    expect(res.status).toBe(401);
    expect(app.metrics.reloads.get(["failure"])).toBe(1);
  });
});

describe("bind safety", () => {
  test("listen refuses a non-loopback address without keys (before binding)", () => {
    // 192.0.2.1 is TEST-NET-1: even if the check were broken the bind could not expose anything.
    const cfg = defineConfig({ server: { host: "192.0.2.1", port: 0 }, vertex: { provider: "mock" } });
    expect(() => listen(createApp(cfg), { host: "192.0.2.1", port: 0, logger: silentLogger, graceSeconds: 1 })).toThrow(/allow_unauthenticated/);
  });
  test("without keys the server logs that it is unauthenticated", async () => {
    const gw = await gateway();
    expect(gw.lines().some((l) => l.level === "warn" && /unauthenticated/.test(l.msg))).toBe(true);
    const keyed = await gateway({ config: { auth: { api_keys: apiKeys() } } });
    expect(keyed.lines().some((l) => /unauthenticated/.test(l.msg))).toBe(false);
  });
});

test("no secret (API keys, Google token) in any log line captured by this file's gateways", () => {
  expect(ALL_LOGS.length).toBeGreaterThan(10);
  for (const line of ALL_LOGS) for (const s of SECRETS) expect(line).not.toContain(s);
});
