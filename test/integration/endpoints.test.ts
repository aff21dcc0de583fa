import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../helpers/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    config: { vertex: { models: [{ name: "Opus", model: "claude-opus-4-1@20250805" }] } },
  });
});
afterAll(() => gw.stop());

const expectOpenAIError = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(typeof body.error.message).toBe("string");
  return body.error;
};

describe("GET /health", () => {
  test("has the seed's shape plus version and uptime", async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("ok");
    expect(Object.keys(body.metrics).sort()).toEqual(
      ["failed_requests", "quota_errors", "retry_attempts", "success_rate", "successful_requests", "total_requests"],
    );
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.uptime_seconds).toBe("number");
  });

  test("counts chat requests", async () => {
    const before = ((await (await fetch(`${gw.url}/health`)).json()) as any).metrics;
    await gw.client.chat.completions.create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] });
    await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: "{not json" });
    const after = ((await (await fetch(`${gw.url}/health`)).json()) as any).metrics;
    expect(after.total_requests).toBe(before.total_requests + 2);
    expect(after.successful_requests).toBe(before.successful_requests + 1);
    expect(after.failed_requests).toBe(before.failed_requests + 1);
  });
});

describe("models", () => {
  test("list is in OpenAI shape with created in seconds", async () => {
    const list = await gw.client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(["claude-sonnet-4-5", "Opus"]);
    for (const m of list.data) {
      expect(m.object).toBe("model");
      expect(m.owned_by).toBe("anthropic");
      expect(m.created).toBeLessThan(10_000_000_000);
    }
    expect(list.data[0]!.created).toBe(Date.UTC(2025, 8, 29) / 1000);
  });
  test("retrieve by id, case-insensitive; unknown → 404 model_not_found", async () => {
    expect((await gw.client.models.retrieve("opus")).id).toBe("Opus");
    const res = await fetch(`${gw.url}/v1/models/gpt-4o`);
    const err = await expectOpenAIError(res, 404);
    expect(err.code).toBe("model_not_found");
  });
});

describe("routing errors are JSON", () => {
  test("unknown path → 404", async () => {
    await expectOpenAIError(await fetch(`${gw.url}/v1/embeddings`, { method: "POST", body: "{}" }), 404);
    await expectOpenAIError(await fetch(`${gw.url}/`), 404);
  });
  test("wrong method → 405 with Allow", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`);
    expect(res.headers.get("allow")).toBe("POST");
    await expectOpenAIError(res, 405);
    await expectOpenAIError(await fetch(`${gw.url}/v1/models`, { method: "DELETE" }), 405);
  });
});

describe("demo upstream", () => {
  test("answers through the translation path with a provider header", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hello, ModelMux!" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-modelmux-provider")).toBe("mock");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = (await res.json()) as any;
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(body.choices[0].message.content).toContain("Hello, ModelMux!");
  });
  test("a sane x-request-id is echoed, an insane one replaced", async () => {
    const ok = await fetch(`${gw.url}/health`, { headers: { "x-request-id": "abc-123" } });
    expect(ok.headers.get("x-request-id")).toBe("abc-123");
    const bad = await fetch(`${gw.url}/health`, { headers: { "x-request-id": "a b\tc" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("bad input never crashes", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  test.each([
    ["malformed JSON", "{", null],
    ["empty body", "", null],
    ["array body", "[]", null],
    ["missing messages", JSON.stringify({ model: "claude-sonnet-4-5" }), "messages"],
    ["unknown role", JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "robot", content: "x" }] }), "messages[0].role"],
    ["wrong type", JSON.stringify({ model: "claude-sonnet-4-5", messages: "hi" }), "messages"],
  ])("%s → 400", async (_n, body, param) => {
    const err = await expectOpenAIError(await post(body), 400);
    if (param) expect(err.param).toBe(param);
  });
  test("unknown model → 404 model_not_found", async () => {
    const err = await expectOpenAIError(await post(JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })), 404);
    expect(err.code).toBe("model_not_found");
  });
  test("body over the limit → 413", async () => {
    const small = await startGateway({ config: { server: { max_body_bytes: 1000 } } });
    try {
      const big = JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x".repeat(5000) }] });
      await expectOpenAIError(await fetch(`${small.url}/v1/chat/completions`, { method: "POST", body: big }), 413);
    } finally {
      await small.stop();
    }
  });
});
