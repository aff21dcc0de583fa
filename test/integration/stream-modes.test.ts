/** [streaming] modes and client detection, end to end against the demo upstream. */
import { afterAll, describe, expect, test } from "bun:test";
import type { StreamingMode } from "../../src/config/schema.ts";
import type { DeepPartial, Config } from "../../src/config/schema.ts";
import { createMockProvider } from "../../src/providers/mock/index.ts";
import { startGateway, type TestGateway } from "../helpers/gateway.ts";

const open: TestGateway[] = [];
afterAll(async () => {
  await Promise.all(open.map((g) => g.stop()));
});
async function gateway(streaming: DeepPartial<Config["streaming"]>, delayMs = 0) {
  const g = await startGateway({ config: { streaming }, provider: createMockProvider({ delayMs }) });
  open.push(g);
  return g;
}

async function ask(g: TestGateway, opts: { stream?: boolean; ua?: string; accept?: string; content?: string }) {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": opts.ua ?? "MyApp/1.0" };
  if (opts.accept) headers.accept = opts.accept;
  const res = await fetch(`${g.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "claude-sonnet-4-5", stream: opts.stream, messages: [{ role: "user", content: opts.content ?? "one two three four five six seven eight. nine ten" }] }),
  });
  const mode = res.headers.get("x-modelmux-stream-mode");
  const type = res.headers.get("content-type") ?? "";
  const body = await res.text();
  const frames = body.split("\n\n").filter((f) => f.startsWith("data: {"));
  const contentChunks = frames.map((f) => JSON.parse(f.slice(6))).filter((c) => c.choices?.[0]?.delta?.content);
  return { res, mode, sse: type.startsWith("text/event-stream"), body, contentChunks };
}

describe("modes", () => {
  test.each([
    ["never", true, false],
    ["never", false, false],
    ["always", false, true],
    ["always", true, true],
    ["standard", true, true],
    ["standard", false, false],
    ["buffered", true, true],
    ["buffered", false, false],
    ["auto", false, false],
    ["auto", true, true],
  ] as const)("%s with stream=%p → SSE %p", async (mode, stream, sse) => {
    const g = await gateway({ mode: mode as StreamingMode });
    const r = await ask(g, { stream });
    expect(r.res.status).toBe(200);
    expect(r.sse).toBe(sse);
    if (!sse) expect(JSON.parse(r.body).object).toBe("chat.completion");
    else expect(r.body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
  test('"non-streaming" is accepted as an alias of never', async () => {
    const { loadConfig } = await import("../../src/config/index.ts");
    const c = loadConfig({ env: { MODELMUX_STREAMING_MODE: "non-streaming" } } as any);
    expect(c.streaming.mode).toBe("never");
  });
});

let autoGw: TestGateway | undefined;
describe("auto mode client detection", () => {
  test.each([
    ["curl/8.5.0", undefined, "json"],
    ["goose/1.2", undefined, "json"],
    ["python-requests/2.31", "*/*", "json"],
    ["curl/8.5.0", "text/event-stream", "standard"],
    ["OpenAI/JS 7.57.0", "application/json", "standard"],
    ["Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", undefined, "buffered"],
    ["VSCode/1.90", undefined, "buffered"],
    ["knowledge-bot/1.0", undefined, "standard"],
  ])("%s (accept %s) → %s", async (ua, accept, mode) => {
    autoGw ??= await gateway({ mode: "auto" });
    const g = autoGw;
    const r = await ask(g, { stream: true, ua, accept });
    expect(r.mode).toBe(mode);
    expect(r.sse).toBe(mode !== "json");
  });
});

describe("buffered mode really buffers", () => {
  const long = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau";
  test("buffer_size coalesces word deltas into few chunks", async () => {
    const std = await ask(await gateway({ mode: "standard" }), { stream: true, content: long });
    const buf = await ask(await gateway({ mode: "buffered", buffer_size: 100000, chunk_timeout_ms: 100000 }), { stream: true, content: long });
    expect(std.contentChunks.length).toBeGreaterThan(10);
    expect(buf.contentChunks.length).toBeLessThanOrEqual(3);
    const join = (cs: any[]) => cs.map((c) => c.choices[0].delta.content).join("");
    expect(join(buf.contentChunks)).toBe(join(std.contentChunks));
  });
  test("chunk_timeout_ms flushes pending text while the upstream is slow", async () => {
    const slowNoTimer = await ask(await gateway({ mode: "buffered", buffer_size: 100000, chunk_timeout_ms: 100000 }, 15), { stream: true, content: long });
    const slowTimer = await ask(await gateway({ mode: "buffered", buffer_size: 100000, chunk_timeout_ms: 5 }, 15), { stream: true, content: long });
    expect(slowNoTimer.contentChunks.length).toBeLessThanOrEqual(3);
    expect(slowTimer.contentChunks.length).toBeGreaterThan(5);
  });
  test("small buffer_size flushes by size", async () => {
    const small = await ask(await gateway({ mode: "buffered", buffer_size: 20, chunk_timeout_ms: 100000 }), { stream: true, content: long });
    const big = await ask(await gateway({ mode: "buffered", buffer_size: 100000, chunk_timeout_ms: 100000 }), { stream: true, content: long });
    expect(small.contentChunks.length).toBeGreaterThan(big.contentChunks.length);
  });
});

describe("keep-alive", () => {
  test("keepalive_ms = 0 turns keep-alive comments off", async () => {
    const r = await ask(await gateway({ mode: "standard", keepalive_ms: 0 }, 20), { stream: true, content: "a b c" });
    expect(r.body).not.toContain(": keep-alive");
    expect(r.body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
  test("a slow upstream gets keep-alive comments", async () => {
    const r = await ask(await gateway({ mode: "standard", keepalive_ms: 5 }, 30), { stream: true, content: "a b c" });
    expect(r.body).toContain(": keep-alive");
  });
});
