/** The Vertex provider against the loopback fake Vertex: body, URL, retries, re-auth, deadlines, streams. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { createCachedTokenSource } from "../../src/auth/cache.ts";
import { createStaticTokenSource } from "../../src/auth/static.ts";
import type { TokenSource } from "../../src/auth/types.ts";
import { type DeepPartial, type Config, defineConfig } from "../../src/config/schema.ts";
import { UpstreamError } from "../../src/errors.ts";
import type { CallOptions, Provider, UpstreamTarget } from "../../src/providers/types.ts";
import { createVertexProvider } from "../../src/providers/vertex/index.ts";
import type { MessagesRequest, StreamEvent } from "../../src/wire/anthropic.ts";
import {
  type FakeVertex,
  overloaded529,
  quotaExceeded,
  sseError,
  sseEvent,
  startFakeVertex,
} from "../helpers/fake-vertex.ts";

let fake: FakeVertex;
beforeAll(async () => {
  fake = await startFakeVertex({ eventDelayMs: 1 });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.clear();
  fake.acceptTokens = undefined;
});

const target: UpstreamTarget = {
  clientModel: "claude-sonnet-4-5",
  model: "claude-sonnet-4-5@20250929",
  project: "p1",
  region: "us-east5",
  location: "us-east5",
  publisher: "anthropic",
};
const body: MessagesRequest = { max_tokens: 256, messages: [{ role: "user", content: [{ type: "text", text: "Hello Vertex" }] }] };

function provider(over: DeepPartial<Config> = {}, deps: { tokens?: TokenSource; retryBaseMs?: number } = {}): Provider {
  const config = defineConfig({
    ...over,
    server: { max_retry_attempts: 3, ...over.server },
    vertex: { provider: "vertex", project: "p1", region: "us-east5", model: target.model, base_url: fake.url, ...over.vertex },
  });
  return createVertexProvider({ config, tokens: deps.tokens ?? createStaticTokenSource("test-token"), retryBaseMs: deps.retryBaseMs ?? 2 });
}

function callOpts(extra: Partial<CallOptions> = {}): CallOptions & { retries: unknown[] } {
  const retries: unknown[] = [];
  return { target, signal: new AbortController().signal, requestId: "req-test", onRetry: (...a) => retries.push(a), retries, ...extra };
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(UpstreamError);
  return e as UpstreamError;
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

/** A token source that mints tok-1, tok-2, … (a new one only after invalidate). */
function countingTokens(): TokenSource {
  let n = 0;
  return createCachedTokenSource({
    mint: async () => ({ token: `tok-${++n}`, expiresAt: Date.now() + 3_600_000, headers: { "x-goog-user-project": "quota-proj" } }),
    describe: () => "counting",
    explain: String,
  });
}

describe("request shape", () => {
  it("posts the body with anthropic_version and without model to :rawPredict", async () => {
    const r = await provider({ vertex: { anthropic_version: "2026-10-21" } }, { tokens: countingTokens() }).complete(
      { ...body, model: "should-go", stream: true } as MessagesRequest,
      callOpts(),
    );
    expect(r.message.content).toEqual([{ type: "text", text: "Echo: Hello Vertex" }]);
    expect(r.message.model).toBe("claude-sonnet-4-5-20250929");
    expect(r).toMatchObject({ attempts: 1, upstreamStatus: 200 });
    const req = fake.requests[0]!;
    expect(req.path).toBe("/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    expect(req.stream).toBe(false);
    expect(req.body).toEqual({ ...body, anthropic_version: "2026-10-21" });
    expect(req.headers).toMatchObject({
      authorization: "Bearer tok-1",
      "content-type": "application/json",
      "x-goog-user-project": "quota-proj",
    });
  });

  it("sends stream:true to :streamRawPredict", async () => {
    const r = await provider().stream(body, callOpts());
    await collect(r.events);
    const req = fake.requests[0]!;
    expect(req.path).toEndWith(":streamRawPredict");
    expect(req.body.stream).toBe(true);
    expect(req.body.anthropic_version).toBe("vertex-2023-10-16");
    expect("model" in req.body).toBe(false);
    expect(req.headers.accept).toBe("text/event-stream");
  });

  it("reuses one keep-alive connection for consecutive calls", async () => {
    const p = provider();
    await p.complete(body, callOpts());
    await p.complete(body, callOpts());
    const [a, b] = fake.requests;
    expect(a!.remotePort).toBeNumber();
    expect(b!.remotePort).toBe(a!.remotePort);
  });

  it("reuses the connection after a stream too (its body is read to the end after message_stop)", async () => {
    const p = provider();
    await collect((await p.stream(body, callOpts())).events);
    await Bun.sleep(5); // the rest of the body (its end) is read in the background
    await collect((await p.stream(body, callOpts())).events);
    const [a, b] = fake.requests;
    expect(a!.remotePort).toBeNumber();
    expect(b!.remotePort).toBe(a!.remotePort);
  });

  it("reports the upstream request id", async () => {
    fake.reply({ message: {}, headers: { "request-id": "req_vrtx_011CabcDEF" } });
    expect((await provider().complete(body, callOpts())).upstreamRequestId).toBe("req_vrtx_011CabcDEF");
  });

  it("ready() mints a token", async () => {
    let minted = 0;
    const tokens = createCachedTokenSource({ mint: async () => ({ token: `t${++minted}` }), describe: () => "x", explain: String });
    await provider({}, { tokens }).ready!();
    expect(minted).toBe(1);
  });
});

describe("retries", () => {
  it.each([
    ["429 (Google object)", quotaExceeded(), 429],
    ["429 (Google array)", quotaExceeded({ array: true }), 429],
    ["503", { status: 503, text: "<html>unavailable</html>" }, 503],
    ["529", overloaded529(), 529],
  ] as const)("retries %s and succeeds", async (_name, reply, status) => {
    fake.reply(reply, reply);
    const o = callOpts();
    const r = await provider().complete(body, o);
    expect(r.attempts).toBe(3);
    expect(fake.requests.length).toBe(3);
    expect(o.retries.map((x) => (x as unknown[])[0])).toEqual([status, status]);
    expect(o.retries.map((x) => (x as unknown[])[1])).toEqual([1, 2]);
  });

  it("retries a connection reset while reading the body", async () => {
    fake.reply({ sse: ['{"type":"mess'], reset: true });
    const o = callOpts();
    const r = await provider().complete(body, o);
    expect(r.attempts).toBe(2);
    expect(o.retries).toEqual([["network", 1, expect.any(Number)]]);
  });

  it("retries stream requests before the 200 headers", async () => {
    fake.reply(quotaExceeded({ array: true }));
    const r = await provider().stream(body, callOpts());
    expect(r.attempts).toBe(2);
    expect((await collect(r.events)).at(-1)).toEqual({ type: "message_stop" });
  });

  it("honours retry-after-ms and Retry-After", async () => {
    fake.reply({ status: 429, json: {}, headers: { "retry-after-ms": "30" } }, { status: 503, text: "x", headers: { "retry-after": "0" } });
    const o = callOpts();
    await provider({}, { retryBaseMs: 1000 }).complete(body, o);
    expect(o.retries.map((x) => (x as unknown[])[2])).toEqual([30, 0]);
  });

  it("makes one attempt when retries are disabled, and surfaces the raw upstream error", async () => {
    fake.reply(quotaExceeded(), quotaExceeded());
    const e = await failure(provider({ server: { enable_retries: false } }).complete(body, callOpts()));
    expect(e.kind).toBe("http");
    expect(e.status).toBe(429);
    expect(JSON.parse(e.body).error.status).toBe("RESOURCE_EXHAUSTED");
    expect(e.headers?.get("content-type")).toContain("application/json");
    expect(fake.requests.length).toBe(1);
  });

  it("max_retry_attempts counts retries after the first attempt", async () => {
    fake.reply(overloaded529(), overloaded529(), overloaded529(), overloaded529());
    const e = await failure(provider({ server: { max_retry_attempts: 2 } }).complete(body, callOpts()));
    expect(e.status).toBe(529);
    expect(fake.requests.length).toBe(3);
  });

  it("never retries a 400", async () => {
    const e = await failure(provider().complete({ ...body, messages: [] }, callOpts()));
    expect(e.status).toBe(400);
    expect(e.body).toContain("at least one message is required");
    expect(fake.requests.length).toBe(1);
  });

  it("stops retrying when the next sleep would overrun the total budget", async () => {
    fake.reply(overloaded529(), overloaded529(), overloaded529(), overloaded529());
    const p = provider({ server: { request_timeout_ms: 300, max_retry_attempts: 10 } }, { retryBaseMs: 150 });
    const e = await failure(p.complete(body, callOpts()));
    expect(e.kind).toBe("http"); // the real upstream error, not a timeout
    expect(fake.requests.length).toBe(2); // sleeps of 112–150 then 225–300 ms: the second would pass 300 ms
  });

  it("turns an unreachable upstream into a network error after retrying", async () => {
    const o = callOpts();
    const p = provider({ vertex: { base_url: "http://127.0.0.1:9" }, server: { max_retry_attempts: 1 } });
    const e = await failure(p.complete(body, o));
    expect(e.kind).toBe("network");
    expect(e.status).toBe(0);
    expect(o.retries.map((x) => (x as unknown[])[0])).toEqual(["network"]);
  });
});

describe("401 re-authentication", () => {
  it("invalidates the token and retries once with a fresh one (not counted as a retry)", async () => {
    fake.acceptTokens = (t) => t !== "tok-1";
    const o = callOpts();
    const r = await provider({ server: { enable_retries: false } }, { tokens: countingTokens() }).complete(body, o);
    expect(fake.tokens).toEqual(["tok-1", "tok-2"]);
    expect(r.attempts).toBe(2);
    expect(o.retries).toEqual([]);
  });

  it("re-authenticates only once per call", async () => {
    fake.acceptTokens = () => false;
    const e = await failure(provider({}, { tokens: countingTokens() }).complete(body, callOpts()));
    expect(e.status).toBe(401);
    expect(JSON.parse(e.body).error.status).toBe("UNAUTHENTICATED");
    expect(fake.tokens).toEqual(["tok-1", "tok-2"]);
  });

  it("passes a static token's 401 straight through", async () => {
    fake.acceptTokens = () => false;
    const e = await failure(provider().stream(body, callOpts()));
    expect(e.status).toBe(401);
    expect(fake.requests.length).toBe(1);
  });

  it("does not call Vertex when no token can be minted", async () => {
    const tokens = createCachedTokenSource({ mint: () => Promise.reject(new Error("no creds")), describe: () => "x", explain: () => "fix your creds" });
    const e = await failure(provider({}, { tokens }).complete(body, callOpts()));
    expect(e).toMatchObject({ kind: "credentials", body: "fix your creds" });
    expect(fake.requests.length).toBe(0);
  });
});

describe("deadlines and aborts", () => {
  it("a slow answer past request_timeout_ms → timeout", async () => {
    fake.reply({ message: {}, delayMs: 300 });
    const e = await failure(provider({ server: { request_timeout_ms: 60 } }).complete(body, callOpts()));
    expect(e.kind).toBe("timeout");
    expect(e.body).toContain("60 ms");
  });

  it("a slow stream start past request_timeout_ms → timeout", async () => {
    fake.reply({ message: {}, delayMs: 300 });
    expect((await failure(provider({ server: { request_timeout_ms: 60 } }).stream(body, callOpts()))).kind).toBe("timeout");
  });

  it("the client going away aborts the call at once with the caller's reason", async () => {
    fake.reply({ message: {}, delayMs: 2_000 });
    const ctrl = new AbortController();
    const p = provider().complete(body, callOpts({ signal: ctrl.signal }));
    setTimeout(() => ctrl.abort(new Error("client left")), 20);
    const started = Date.now();
    await expect(p).rejects.toThrow("client left");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("return() on the events aborts the upstream stream immediately, even with a read pending", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} })], stall: true });
    const r = await provider().stream(body, callOpts());
    expect((await r.events.next()).value).toMatchObject({ type: "message_start" });
    const pending = r.events.next();
    await Bun.sleep(10);
    expect(await r.events.return!()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    await waitFor(() => fake.abortedStreams === 1);
    expect(fake.openStreams).toBe(0);
  });

  it("a caller abort mid-stream closes the upstream and surfaces the reason", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} })], stall: true });
    const ctrl = new AbortController();
    const r = await provider().stream(body, callOpts({ signal: ctrl.signal }));
    await r.events.next();
    setTimeout(() => ctrl.abort(new Error("disconnected")), 10);
    await expect(r.events.next()).rejects.toThrow("disconnected");
    await waitFor(() => fake.abortedStreams === 2);
  });

  it("silence longer than inactivity_timeout_ms → upstream aborted + timeout", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} })], stall: true });
    const r = await provider({ streaming: { inactivity_timeout_ms: 50 } }).stream(body, callOpts());
    const it = r.events;
    await it.next();
    const e = await failure(it.next());
    expect(e.kind).toBe("timeout");
    expect(e.body).toContain("50 ms");
    await waitFor(() => fake.abortedStreams === 3);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
});

describe("stream decoding", () => {
  it("yields every event, padding included, in Vertex order", async () => {
    const r = await provider().stream(
      { ...body, tools: [{ name: "weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }], tool_choice: { type: "any" } },
      callOpts(),
    );
    const events = await collect(r.events);
    expect(events.slice(0, 4).map((e) => e.type)).toEqual(["message_start", "ping", "vertex_event" as never, "content_block_start"]);
    const json = events
      .flatMap((e) => (e.type === "content_block_delta" && e.delta.type === "input_json_delta" ? [e.delta.partial_json] : []))
      .join("");
    expect(JSON.parse(json)).toEqual({ city: "example" });
    expect(events.at(-2)).toMatchObject({ type: "message_delta", delta: { stop_reason: "tool_use" } });
    expect(events.at(-1)).toEqual({ type: "message_stop" });
  });

  it("reassembles streamed text", async () => {
    const r = await provider().stream(body, callOpts());
    const text = (await collect(r.events))
      .flatMap((e) => (e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : []))
      .join("");
    expect(text).toBe("Echo: Hello Vertex");
  });

  it("yields a mid-stream error event, then ends", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} }), sseError()] });
    const events = await collect((await provider().stream(body, callOpts())).events);
    expect(events.at(-1)).toEqual({ type: "error", error: { details: null, type: "overloaded_error", message: "Overloaded" } } as never);
  });

  it("a broken connection → UpstreamError network", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} })], reset: true });
    const r = await provider().stream(body, callOpts());
    expect((await r.events.next()).done).toBe(false);
    expect((await failure(r.events.next())).kind).toBe("network");
  });

  it("a stream that ends cleanly but early → UpstreamError network", async () => {
    fake.reply({ sse: [sseEvent("message_start", { type: "message_start", message: {} }), ": comment\n\n", "data: not json\n\n"] });
    const r = await provider().stream(body, callOpts());
    await r.events.next();
    const e = await failure(r.events.next());
    expect(e.kind).toBe("network");
    expect(e.body).toContain("before message_stop");
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await Bun.sleep(5);
  expect(cond()).toBe(true);
}
