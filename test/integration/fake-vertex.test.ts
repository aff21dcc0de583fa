/** The fake Vertex upstream itself: it must reject what Vertex rejects and answer like Vertex does. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readSSE } from "../../src/net/sse-decode.ts";
import { type FakeVertex, googleErrorReply, messageToSSE, startFakeVertex } from "../helpers/fake-vertex.ts";
import { defaultMessage } from "../helpers/fake-vertex-default.ts";

let fake: FakeVertex;
beforeAll(async () => {
  fake = await startFakeVertex({ strict: true, models: ["claude-sonnet-4-5@20250929", "claude-opus-4-6"] });
});
afterAll(() => fake.close());

const PATH = "/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929";
const base = { anthropic_version: "vertex-2023-10-16", max_tokens: 64 };
const user = (text: string) => ({ role: "user", content: [{ type: "text", text }] });

async function post(body: unknown, opts: { path?: string; token?: string | null; verb?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? "t"}`;
  const res = await fetch(`${fake.url}${opts.path ?? PATH}:${opts.verb ?? "rawPredict"}`, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, type: res.headers.get("content-type") };
}

describe("validation like Vertex", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["model in body", { ...base, model: "x", messages: [user("hi")] }, /model: Extra inputs/],
    ["no anthropic_version", { max_tokens: 5, messages: [user("hi")] }, /anthropic_version: Field required/],
    ["bad anthropic_version", { ...base, anthropic_version: "2023-06-01", messages: [user("hi")] }, /anthropic_version: Input should be/],
    ["no max_tokens", { anthropic_version: "vertex-2023-10-16", messages: [user("hi")] }, /max_tokens: Field required/],
    ["empty messages", { ...base, messages: [] }, /at least one message/],
    ["assistant first", { ...base, messages: [{ role: "assistant", content: [{ type: "text", text: "x" }] }] }, /first message must use the "user" role/],
    ["same role twice", { ...base, messages: [user("a"), user("b")] }, /roles must alternate/],
    ["empty text", { ...base, messages: [user("")] }, /text content blocks must be non-empty/],
    ["URL image", { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://x/y.png" } }] }] }, /URL sources are not supported/],
    ["bad media type", { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: "AA==" } }] }] }, /media_type: Input should be 'image\/jpeg'/],
    ["bad tool name", { ...base, messages: [user("hi")], tools: [{ name: "bad name", input_schema: { type: "object" } }] }, /String should match pattern/],
    ["duplicate tools", { ...base, messages: [user("hi")], tools: [{ name: "a", input_schema: {} }, { name: "a", input_schema: {} }] }, /Tool names must be unique/],
    ["2026-10-21 + temperature", { ...base, anthropic_version: "2026-10-21", temperature: 0.5, messages: [user("hi")] }, /temperature: Extra inputs/],
    ["strict: unknown field", { ...base, messages: [user("hi")], frequency_penalty: 1 }, /frequency_penalty: Extra inputs/],
    [
      "tool_use without tool_result",
      { ...base, messages: [user("hi"), { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "w", input: {} }] }, user("next")] },
      /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/,
    ],
    [
      "tool_result after text",
      {
        ...base,
        messages: [
          user("hi"),
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "w", input: {} }] },
          { role: "user", content: [{ type: "text", text: "here" }, { type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
        ],
      },
      /tool_result` blocks must come first/,
    ],
    [
      "unknown tool_use_id",
      { ...base, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_9", content: "ok" }] }] },
      /unexpected `tool_use_id` found in `tool_result` blocks: toolu_9/,
    ],
  ];
  it.each(cases)("%s → 400 invalid_request_error", async (_name, body, message) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json.type).toBe("error");
    expect(r.json.error.type).toBe("invalid_request_error");
    expect(r.json.error.message).toMatch(message);
  });

  it("accepts a well-formed tool round trip", async () => {
    const r = await post({
      ...base,
      messages: [
        user("weather?"),
        { role: "assistant", content: [{ type: "text", text: "checking" }, { type: "tool_use", id: "toolu_1", name: "w", input: { c: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }, { type: "text", text: "thanks" }] },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.content[0].text).toBe("Echo: thanks");
  });
});

describe("auth and routing", () => {
  it("missing bearer → Google 401 UNAUTHENTICATED (array form on the stream endpoint)", async () => {
    const a = await post({ ...base, messages: [user("hi")] }, { token: null });
    expect(a.status).toBe(401);
    expect(a.json.error.status).toBe("UNAUTHENTICATED");
    const b = await post({ ...base, stream: true, messages: [user("hi")] }, { token: null, verb: "streamRawPredict" });
    expect(b.status).toBe(401);
    expect(b.text.startsWith("[{\n  \"error\"")).toBe(true);
  });

  it("acceptTokens decides which bearers are valid", async () => {
    fake.acceptTokens = (t) => t === "good";
    expect((await post({ ...base, messages: [user("hi")] }, { token: "bad" })).status).toBe(401);
    expect((await post({ ...base, messages: [user("hi")] }, { token: "good" })).status).toBe(200);
    expect(fake.tokens.slice(-2)).toEqual(["bad", "good"]);
    fake.acceptTokens = undefined;
  });

  it("unknown model or publisher → Google 404", async () => {
    const r = await post({ ...base, messages: [user("hi")] }, { path: "/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude-nope" });
    expect(r.status).toBe(404);
    expect(r.json.error.message).toBe("Publisher Model `projects/p1/locations/us-east5/publishers/anthropic/models/claude-nope` not found.");
  });

  it("counts tokens", async () => {
    const r = await post({ ...base, model: "claude-sonnet-4-5@20250929", messages: [user("hi")] }, { path: "/v1/projects/p1/locations/us-east5/publishers/anthropic/models/count-tokens" });
    expect(r.json.input_tokens).toBeGreaterThan(0);
  });
});

describe("replies", () => {
  it("default message: ids, model with @ → -, cache usage fields", async () => {
    const r = await post({ ...base, messages: [user("hello")] });
    expect(r.type).toBe("application/json");
    expect(r.json.id).toStartWith("msg_vrtx_01");
    expect(r.json.model).toBe("claude-sonnet-4-5-20250929");
    expect(r.json.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(fake.requests.at(-1)).toMatchObject({ model: "claude-sonnet-4-5@20250929", stream: false, method: "POST" });
  });

  it("forced tool choice → tool_use with a schema-shaped input", async () => {
    const tools = [{ name: "a", input_schema: {} }, { name: "person", input_schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } } } }];
    const r = await post({ ...base, messages: [user("x")], tools, tool_choice: { type: "tool", name: "person" } });
    expect(r.json.stop_reason).toBe("tool_use");
    expect(r.json.content[0]).toMatchObject({ type: "tool_use", name: "person", input: { name: "example", age: 1 } });
    expect(r.json.content[0].id).toStartWith("toolu_vrtx_01");
  });

  it("honours stop_sequences and max_tokens", async () => {
    const stop = await post({ ...base, stop_sequences: ["STOP"], messages: [user("abc STOP def")] });
    expect(stop.json).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "STOP", content: [{ text: "Echo: abc " }] });
    const cut = await post({ ...base, max_tokens: 2, messages: [user("a long sentence here")] });
    expect(cut.json).toMatchObject({ stop_reason: "max_tokens", content: [{ text: "Echo: a " }] });
  });

  it("scripted raw replies keep their status, body and headers", async () => {
    fake.reply(googleErrorReply(403, "PERMISSION_DENIED", "denied"), { status: 503, text: "<html>down</html>", headers: { "retry-after": "1" } });
    const a = await post({ ...base, messages: [user("x")] });
    expect(a).toMatchObject({ status: 403, json: { error: { code: 403, status: "PERMISSION_DENIED" } } });
    const b = await post({ ...base, messages: [user("x")] });
    expect(b).toMatchObject({ status: 503, text: "<html>down</html>", type: "text/html; charset=UTF-8" });
  });

  it("streams a message as Vertex-flavoured SSE", async () => {
    const res = await fetch(`${fake.url}${PATH}:streamRawPredict`, {
      method: "POST",
      headers: { authorization: "Bearer t" },
      body: JSON.stringify({ ...base, stream: true, thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2048, messages: [user("think")] }),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const msgs = [];
    for await (const m of readSSE(res.body!)) msgs.push(m);
    expect(msgs.slice(0, 3).map((m) => m.event)).toEqual(["message_start", "ping", "vertex_event"]);
    expect(msgs.some((m) => /\} +$/.test(m.data))).toBe(true); // trailing-space padding
    expect(msgs.every((m) => JSON.parse(m.data).type === m.event)).toBe(true);
    const deltas = msgs.filter((m) => m.event === "content_block_delta").map((m) => JSON.parse(m.data).delta.type);
    expect(deltas).toContain("thinking_delta");
    expect(deltas).toContain("signature_delta");
    expect(msgs.at(-1)!.event).toBe("message_stop");
  });

  it("messageToSSE splits tool JSON into several pieces", () => {
    const msg = { ...defaultMessage({ messages: [] }, "m", 1), content: [{ type: "tool_use", id: "toolu_1", name: "w", input: { city: "Zürich 🌍", n: [1, 2, 3] } }] };
    const pieces = messageToSSE(msg as never)
      .filter((e) => e.includes("input_json_delta"))
      .map((e) => JSON.parse(e.split("\n")[1]!.slice(6)).delta.partial_json as string);
    expect(pieces[0]).toBe("");
    expect(pieces.length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(pieces.join(""))).toEqual({ city: "Zürich 🌍", n: [1, 2, 3] });
  });
});
