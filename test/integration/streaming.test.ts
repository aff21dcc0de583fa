/** Streaming end to end: openai SDK → gateway → fake Vertex :streamRawPredict. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { startGateway, vertexConfig, type TestGateway } from "../helpers/gateway.ts";

let fake: FakeVertex;
let gw: TestGateway;
beforeAll(async () => {
  fake = await startFakeVertex();
  gw = await startGateway({ config: vertexConfig(fake.url, { streaming: { keepalive_ms: 50 } }) });
});
afterAll(async () => {
  await gw.stop();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}   \n\n`;
const START = ev("message_start", {
  type: "message_start",
  message: { id: "msg_vrtx_01S", type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } },
});
const text = (i: number, t: string) => ev("content_block_delta", { type: "content_block_delta", index: i, delta: { type: "text_delta", text: t } });
const blockStart = (i: number) => ev("content_block_start", { type: "content_block_start", index: i, content_block: { type: "text", text: "" } });

describe("with the official SDK", () => {
  test("finalChatCompletion for text", async () => {
    const stream = gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hello streaming" }] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toContain("Hello streaming");
    expect(final.choices[0]!.finish_reason).toBe("stop");
    expect(final.model).toBe("claude-sonnet-4-5");
    expect(fake.requests[0]!.path).toEndWith(":streamRawPredict");
    expect(fake.requests[0]!.body.stream).toBe(true);
  });

  test("parallel tool calls keep separate indexes", async () => {
    fake.reply({
      message: {
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_vrtx_01A", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_vrtx_01B", name: "weather", input: { city: "Rome" } },
        ],
        stop_reason: "tool_use",
      },
    });
    const final = await gw.client.chat.completions
      .stream({
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "Weather in Paris and Rome?" }],
        tools: [{ type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      })
      .finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => c.id)).toEqual(["toolu_vrtx_01A", "toolu_vrtx_01B"]);
    expect(calls.map((c) => JSON.parse((c as any).function.arguments))).toEqual([{ city: "Paris" }, { city: "Rome" }]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("include_usage adds one usage chunk with empty choices", async () => {
    const chunks: any[] = [];
    const s = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "count" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const c of s) chunks.push(c);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage.prompt_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((c) => c.usage == null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).length).toBe(1);
  });

  test("no usage chunk without include_usage", async () => {
    const chunks: any[] = [];
    for await (const c of await gw.client.chat.completions.create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }], stream: true })) chunks.push(c);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
  });

  test("the answer and [DONE] arrive once message_stop is in, even while the upstream keeps its body open", async () => {
    const stop = [
      ev("content_block_stop", { type: "content_block_stop", index: 0 }),
      ev("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } }),
      ev("message_stop", { type: "message_stop" }),
    ];
    fake.reply({ sse: [START, blockStart(0), text(0, "all "), text(0, "there"), ...stop], stall: true });
    const final = await gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("all there");
    expect(final.choices[0]!.finish_reason).toBe("stop");
  });

  test("consecutive streams through the gateway reuse one upstream connection", async () => {
    const ask = () => gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "again" }] }).finalChatCompletion();
    await ask();
    await Bun.sleep(10); // the end of the first body is read in the background
    await ask();
    const [a, b] = fake.requests;
    expect(a!.remotePort).toBeNumber();
    expect(b!.remotePort).toBe(a!.remotePort);
  });

  test("a mid-stream upstream error raises in the SDK", async () => {
    fake.reply({ sse: [START, blockStart(0), text(0, "partial "), ev("error", { type: "error", error: { details: null, type: "overloaded_error", message: "Overloaded" } })] });
    const s = gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] });
    await expect(s.finalChatCompletion()).rejects.toThrow(/Overloaded/);
  });

  test("a broken upstream connection raises, never a silent success", async () => {
    fake.reply({ sse: [START, blockStart(0), text(0, "partial ")], reset: true });
    const s = gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] });
    await expect(s.finalChatCompletion()).rejects.toThrow();
  });

  test("client abort closes the upstream connection", async () => {
    fake.reply({ sse: [START, blockStart(0), text(0, "hello ")], stall: true });
    const before = fake.abortedStreams;
    const controller = new AbortController();
    const s = await gw.client.chat.completions.create(
      { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }], stream: true },
      { signal: controller.signal },
    );
    for await (const c of s) {
      if (c.choices[0]?.delta?.content) break; // leaving the loop aborts the request
    }
    controller.abort();
    for (let i = 0; i < 100 && fake.abortedStreams === before; i++) await Bun.sleep(20);
    expect(fake.abortedStreams).toBe(before + 1);
  });
});

describe("deltas passed through as upstream literals (the stream's fast paths), end to end", () => {
  // Escapes of every kind, unicode, quotes and backslashes, in pieces: the SDK must put back exactly the text.
  const PIECES = ['Say "hi"', " back\\slash", " line\nbreak\ttab", " é 😀 👩‍💻", " \u2028 </x>", " {\"a\": [1]}"];
  const delta = (i: number, d: Record<string, unknown>) => ev("content_block_delta", { type: "content_block_delta", index: i, delta: d });
  const stop = (i: number) => ev("content_block_stop", { type: "content_block_stop", index: i });
  const end = (reason: string) => [
    ev("message_delta", { type: "message_delta", delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: 40 } }),
    ev("message_stop", { type: "message_stop" }),
  ];
  const thinking = (i: number) => [
    ev("content_block_start", { type: "content_block_start", index: i, content_block: { type: "thinking", thinking: "", signature: "" } }),
    ...PIECES.map((p) => delta(i, { type: "thinking_delta", thinking: p })),
    delta(i, { type: "signature_delta", signature: `sig${i}` }),
    stop(i),
  ];
  const args = JSON.stringify({ note: PIECES.join("") });
  const tool = (i: number) => [
    ev("content_block_start", { type: "content_block_start", index: i, content_block: { type: "tool_use", id: "toolu_vrtx_01X", name: "weather", input: {} } }),
    delta(i, { type: "input_json_delta", partial_json: "" }),
    ...(args.match(/.{1,7}/gsu) ?? []).map((p) => delta(i, { type: "input_json_delta", partial_json: p })),
    stop(i),
  ];

  test("thinking (two blocks), text and a tool call come back exactly, whichever way the bytes were cut", async () => {
    const sse = [START, ...thinking(0), blockStart(1), ...PIECES.map((p) => text(1, p)), stop(1), ...thinking(2), ...tool(3), ...end("tool_use")].join("");
    // One write, one write per event, and 9-byte writes 1 ms apart that cut events, escapes and UTF-8 characters.
    const bytes = new TextEncoder().encode(sse);
    const cuts: [(string | Uint8Array)[], number][] = [
      [[sse], 0],
      [sse.split(/(?<=\n\n)/), 0],
      [Array.from({ length: Math.ceil(bytes.length / 9) }, (_, i) => bytes.subarray(i * 9, i * 9 + 9)), 1],
    ];
    for (const [pieces, delayMs] of cuts) {
      fake.reply({ sse: pieces, delayMs });
      const chunks: any[] = [];
      const s = await gw.client.chat.completions.create({
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
        reasoning_effort: "low",
        stream: true,
      });
      for await (const c of s) chunks.push(c);
      const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
      const all = PIECES.join("");
      expect(deltas.map((d) => d.reasoning_content ?? "").join("")).toBe(`${all}\n\n${all}`);
      expect(deltas.map((d) => d.content ?? "").join("")).toBe(all);
      const blocks = deltas.flatMap((d) => d.thinking_blocks ?? []);
      expect(blocks).toEqual([
        { type: "thinking", thinking: all, signature: "sig0" },
        { type: "thinking", thinking: all, signature: "sig2" },
      ]);
      const calls = deltas.flatMap((d) => d.tool_calls ?? []);
      expect(calls[0]).toMatchObject({ index: 0, id: "toolu_vrtx_01X", type: "function", function: { name: "weather", arguments: "" } });
      expect(calls.map((c) => c.function.arguments).join("")).toBe(args);
      expect(JSON.parse(args).note).toBe(all);
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe("tool_calls");
    }
  });
});

describe("pre-stream errors are plain HTTP errors", () => {
  test("429 before the first byte → HTTP 429 JSON", async () => {
    const q = { status: 429, text: JSON.stringify([{ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } }], null, 2) };
    fake.reply(q, q, q);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as any).error.code).toBe("rate_limit_exceeded");
  });
});

describe("keep-alive and raw framing", () => {
  test("comments keep a silent stream alive and nothing Vertex-only leaks", async () => {
    // keepalive_ms is 50: upstream pauses of 120 ms must produce ": keep-alive" comments.
    fake.reply({ sse: [START, ev("ping", { type: "ping" }), ev("vertex_event", { type: "vertex_event", usage: {} }), blockStart(0), text(0, "a"), text(0, "b"), ev("content_block_stop", { type: "content_block_stop", index: 0 }), ev("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }), ev("message_stop", { type: "message_stop" })], delayMs: 120 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const raw = await res.text();
    expect(res.headers.get("x-modelmux-stream-mode")).toBe("standard");
    expect(raw).toContain(": keep-alive");
    expect(raw).not.toContain("vertex_event");
    expect(raw).not.toContain("ping");
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});

describe("metrics count streams by how they ended", () => {
  const health = async () => ((await (await fetch(`${gw.url}/health`)).json()) as any).metrics;
  test("a completed stream is a success, a broken one a failure", async () => {
    const h0 = await health();
    await gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "ok" }] }).finalChatCompletion();
    const h1 = await health();
    expect(h1.successful_requests).toBe(h0.successful_requests + 1);
    fake.reply({ sse: [START, blockStart(0), text(0, "partial ")], reset: true });
    await gw.client.chat.completions.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] }).finalChatCompletion().catch(() => {});
    for (let i = 0; i < 50; i++) {
      if ((await health()).failed_requests > h1.failed_requests) break;
      await Bun.sleep(10);
    }
    const h2 = await health();
    expect(h2.failed_requests).toBe(h1.failed_requests + 1);
    expect(h2.successful_requests).toBe(h1.successful_requests);
    const line = gw.logs.map((l) => JSON.parse(l)).filter((l) => l.tag === "access" && l.stream_mode === "standard").pop();
    expect(line.status).toBeGreaterThanOrEqual(500);
    expect(line.error).toBeString();
  });
});
