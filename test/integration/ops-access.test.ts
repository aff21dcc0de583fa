/** Production operation, access side: API keys, model allow-lists, RPM/TPM, concurrency, CORS, request limits. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { createMockProvider } from "../../src/providers/mock/index.ts";
import { ALL_LOGS, apiKeys, chat, KEYS, SECRETS, startOpsGateway, type OpsGateway } from "../helpers/ops-gateway.ts";

const started: OpsGateway[] = [];
const gateway = async (...a: Parameters<typeof startOpsGateway>) => {
  const g = await startOpsGateway(...a);
  started.push(g);
  return g;
};
afterAll(async () => {
  await Promise.all(started.map((g) => g.stop()));
});

const errorOf = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: Record<string, unknown>; request_id: string };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.request_id).toBe(res.headers.get("x-request-id")!);
  return body.error;
};

describe("API keys", () => {
  let gw: OpsGateway;
  beforeAll(async () => {
    gw = await gateway({
      config: {
        vertex: { models: [{ name: "Opus", model: "claude-opus-4-1@20250805" }, { name: "claude-sonnet-4-5", model: "claude-sonnet-4-5@20250929" }] },
        auth: { api_keys: apiKeys({ limited: { models: ["claude-sonnet-4-5"] } }) },
      },
    });
  });

  test("no key → 401 invalid_api_key with WWW-Authenticate", async () => {
    const res = await gw.post("/v1/chat/completions", chat());
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect((await errorOf(res, 401)).code).toBe("invalid_api_key");
  });
  test("wrong key → 401, and the key is not echoed", async () => {
    const res = await gw.post("/v1/chat/completions", chat(), { key: "sk-mm-nope-0000000000000000000000" });
    const err = await errorOf(res, 401);
    expect(err.code).toBe("invalid_api_key");
    expect(JSON.stringify(err)).not.toContain("sk-mm-nope");
  });
  test("every /v1/* path and the bare aliases require the key (401 before 404/405)", async () => {
    for (const [method, path] of [
      ["GET", "/v1/models"],
      ["GET", "/models"],
      ["GET", "/v1/models/Opus"],
      ["POST", "/chat/completions"],
      ["POST", "/v1/embeddings"],
      ["GET", "/v1/chat/completions"],
    ] as const) {
      const res = await fetch(gw.url + path, { method, ...(method === "POST" ? { body: "{}" } : {}) });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });
  test("the right key works as Bearer and as x-api-key, and through the official SDK", async () => {
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.full })).status).toBe(200);
    expect((await gw.post("/v1/chat/completions", chat(), { headers: { "x-api-key": KEYS.full } })).status).toBe(200);
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEYS.full, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: "Opus", messages: [{ role: "user", content: "hi" }] });
    expect(r.choices[0]!.message.content).toBeTruthy();
    const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-mm-wrong-000000000000000000", maxRetries: 0 });
    let caught: unknown;
    try {
      await bad.chat.completions.create({ model: "Opus", messages: [{ role: "user", content: "hi" }] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpenAI.AuthenticationError);
  });
  test("operator endpoints need no key", async () => {
    for (const p of ["/health", "/livez", "/readyz", "/metrics"]) expect([p, (await fetch(gw.url + p)).status]).toEqual([p, 200]);
  });
  test("the access log names the key (never the key itself)", async () => {
    const res = await gw.post("/v1/chat/completions", chat(), { key: KEYS.full });
    const id = res.headers.get("x-request-id");
    const line = gw.lines().find((l) => l.request_id === id && l.msg === "request");
    expect(line).toMatchObject({ key: "full", status: 200, model: "claude-sonnet-4-5" });
  });

  describe("allowed models", () => {
    test("a model outside the key's list → 404 model_not_found (as if it did not exist)", async () => {
      const err = await errorOf(await gw.post("/v1/chat/completions", chat("Opus"), { key: KEYS.limited }), 404);
      expect(err).toMatchObject({ code: "model_not_found", param: "model" });
      expect((await gw.post("/v1/chat/completions", chat("CLAUDE-SONNET-4-5"), { key: KEYS.limited })).status).toBe(200);
      expect((await gw.post("/v1/chat/completions", chat("Opus"), { key: KEYS.full })).status).toBe(200);
    });
    test("the model list and lookup only show allowed models", async () => {
      const list = (await (await gw.get("/v1/models", { key: KEYS.limited })).json()) as any;
      expect(list.data.map((m: any) => m.id)).toEqual(["claude-sonnet-4-5"]);
      expect((await gw.get("/v1/models/Opus", { key: KEYS.limited })).status).toBe(404);
      const all = (await (await gw.get("/v1/models", { key: KEYS.full })).json()) as any;
      expect(all.data.length).toBeGreaterThan(1);
    });
  });
});

describe("rate limits", () => {
  test("RPM: over the limit → 429 rate_limit_exceeded (type requests) with Retry-After", async () => {
    const gw = await gateway({ config: { auth: { api_keys: apiKeys({ rpm: { requests_per_minute: 2 } }) } } });
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm })).status).toBe(200);
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm })).status).toBe(200);
    const res = await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm });
    const err = await errorOf(res, 429);
    expect(err).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    // Other keys are not affected.
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.full })).status).toBe(200);
  });
  test("RPM refills over time (injected clock)", async () => {
    let t = 1_000_000;
    const gw = await gateway({ now: () => t, config: { auth: { api_keys: apiKeys({ rpm: { requests_per_minute: 1 } }) } } });
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm })).status).toBe(200);
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm })).status).toBe(429);
    t += 60_000;
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.rpm })).status).toBe(200);
  });
  test("TPM: tokens used are charged after the response; a key in debt gets 429 type tokens", async () => {
    const gw = await gateway({ config: { auth: { api_keys: apiKeys({ tpm: { tokens_per_minute: 10 } }) } } });
    const first = await gw.post("/v1/chat/completions", chat(), { key: KEYS.tpm });
    expect(first.status).toBe(200);
    const usage = ((await first.json()) as any).usage;
    expect(usage.total_tokens).toBeGreaterThan(10);
    const res = await gw.post("/v1/chat/completions", chat(), { key: KEYS.tpm });
    expect(await errorOf(res, 429)).toMatchObject({ type: "tokens", code: "rate_limit_exceeded" });
    expect(res.headers.get("retry-after")).toBeTruthy();
  });
  test("TPM counts streamed usage too", async () => {
    const gw = await gateway({ config: { auth: { api_keys: apiKeys({ tpm: { tokens_per_minute: 10 } }) } } });
    const s = await gw.post("/v1/chat/completions", chat(undefined, { stream: true }), { key: KEYS.tpm });
    expect(await s.text()).toContain("[DONE]");
    await Bun.sleep(5);
    expect((await gw.post("/v1/chat/completions", chat(), { key: KEYS.tpm })).status).toBe(429);
  });
});

describe("concurrency cap", () => {
  test("overflow → 503 server_overloaded; the slot frees when the stream ends or the client leaves", async () => {
    const gw = await gateway({
      provider: createMockProvider({ delayMs: 30 }),
      config: { server: { max_concurrency: 1, max_queue: 0 } },
    });
    const long = chat(undefined, { stream: true, messages: [{ role: "user", content: "one two three four five six seven eight" }] });
    const first = await gw.post("/v1/chat/completions", long);
    expect(first.status).toBe(200);
    const res = await gw.post("/v1/chat/completions", chat());
    expect(await errorOf(res, 503)).toMatchObject({ code: "server_overloaded" });
    expect(res.headers.get("retry-after")).toBe("1");
    await first.text();
    await Bun.sleep(5);
    expect((await gw.post("/v1/chat/completions", chat())).status).toBe(200);

    const ctrl = new AbortController();
    const abandoned = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: JSON.stringify(long), signal: ctrl.signal });
    const reader = abandoned.body!.getReader();
    await reader.read();
    ctrl.abort();
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      await Bun.sleep(20);
      ok = (await gw.post("/v1/chat/completions", chat())).status === 200;
    }
    expect(ok).toBe(true);
  });
  test("with a queue, a request waits for the slot instead of failing", async () => {
    const gw = await gateway({ provider: createMockProvider({ delayMs: 10 }), config: { server: { max_concurrency: 1, max_queue: 5 } } });
    const results = await Promise.all([1, 2, 3].map(() => gw.post("/v1/chat/completions", chat(undefined, { stream: true })).then(async (r) => [r.status, (await r.text()).includes("[DONE]")])));
    expect(results).toEqual([[200, true], [200, true], [200, true]]);
  });
});

describe("CORS", () => {
  let off: OpsGateway;
  let on: OpsGateway;
  beforeAll(async () => {
    off = await gateway();
    on = await gateway({ config: { server: { cors_origins: ["https://chat.example.com"] } } });
  });
  const preflight = (g: OpsGateway, origin: string) =>
    fetch(g.url + "/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  test("off by default: preflight refused, and a browser POST with an Origin is refused (no quota spent)", async () => {
    const pre = await preflight(off, "https://evil.example");
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await off.post("/v1/chat/completions", JSON.stringify(chat()), { headers: { origin: "https://evil.example", "content-type": "text/plain" } });
    expect(await errorOf(res, 403)).toMatchObject({ code: "origin_not_allowed" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
  test("allow-listed origin: preflight 204 and responses carry CORS headers", async () => {
    const pre = await preflight(on, "https://chat.example.com");
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    const res = await on.post("/v1/chat/completions", chat(), { headers: { origin: "https://chat.example.com" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(res.headers.get("access-control-expose-headers")).toContain("x-request-id");
  });
  test("other origins stay refused when an allow-list is set", async () => {
    expect((await preflight(on, "https://evil.example")).status).toBe(403);
    expect((await on.post("/v1/chat/completions", chat(), { headers: { origin: "https://evil.example" } })).status).toBe(403);
  });
  test("preflight works on the model routes too", async () => {
    const res = await fetch(on.url + "/v1/models/claude-sonnet-4-5", { method: "OPTIONS", headers: { origin: "https://chat.example.com", "access-control-request-method": "GET" } });
    expect(res.status).toBe(204);
  });
});

describe("request limits", () => {
  let gw: OpsGateway;
  beforeAll(async () => {
    gw = await gateway({ config: { server: { max_body_bytes: 2000, max_messages: 3 } } });
  });
  test("a body over max_body_bytes → 413 request_too_large, with or without Content-Length", async () => {
    const big = JSON.stringify(chat(undefined, { messages: [{ role: "user", content: "x".repeat(5000) }] }));
    expect((await errorOf(await gw.post("/v1/chat/completions", big), 413)).code).toBe("request_too_large");
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: chunked });
    expect(res.status).toBe(413);
  });
  test("more than max_messages → 400 naming messages", async () => {
    const messages = Array.from({ length: 4 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "hi" }));
    const err = await errorOf(await gw.post("/v1/chat/completions", chat(undefined, { messages })), 400);
    expect(err.param).toBe("messages");
  });
});

describe("image URLs", () => {
  let hits = 0;
  let imageServer: ReturnType<typeof Bun.serve>;
  const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  beforeAll(() => {
    imageServer = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch() {
        hits++;
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      },
    });
  });
  afterAll(() => imageServer.stop(true));
  const withImage = (url: string) =>
    chat(undefined, { messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url } }] }] });

  test.each(["loopback", "link-local metadata", "private"])("%s image URLs are refused without being fetched", async (kind) => {
    const gw = await gateway();
    const url =
      kind === "loopback" ? `http://127.0.0.1:${imageServer.port}/cat.png` : kind === "private" ? "http://10.0.0.1/cat.png" : "http://169.254.169.254/computeMetadata/v1/";
    const before = hits;
    const res = await gw.post("/v1/chat/completions", withImage(url));
    expect(res.status).toBe(400);
    expect(hits).toBe(before);
  });
  test("allowed when limits.allow_private_image_urls = true", async () => {
    const gw = await gateway({ config: { limits: { allow_private_image_urls: true } } });
    const before = hits;
    const res = await gw.post("/v1/chat/completions", withImage(`http://127.0.0.1:${imageServer.port}/cat.png`));
    expect(res.status).toBe(200);
    expect(hits).toBe(before + 1);
  });
});

test("no secret appears in any log line of this file's gateways", () => {
  expect(ALL_LOGS.length).toBeGreaterThan(10);
  for (const line of ALL_LOGS) for (const s of SECRETS) expect(line).not.toContain(s);
});
