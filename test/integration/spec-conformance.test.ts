/**
 * Everything the running gateway emits, validated against the OpenAI OpenAPI spec: completions, every
 * stream chunk, error bodies and the model list — through the real server and the fake Vertex.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { startGateway, vertexConfig, type TestGateway } from "../helpers/gateway.ts";
import { SCHEMAS, schemaErrors } from "../helpers/openapi.ts";

let fake: FakeVertex;
let gw: TestGateway;
beforeAll(async () => {
  fake = await startFakeVertex();
  gw = await startGateway({ config: vertexConfig(fake.url, { server: { enable_retries: false, max_body_bytes: 100_000 } }) });
});
afterAll(async () => {
  await gw.stop();
  await fake.close();
});

const TOOLS = [{ type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
const post = (body: unknown, accept = "application/json") =>
  fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", accept }, body: typeof body === "string" ? body : JSON.stringify(body) });
const valid = async (schema: string, value: unknown) => expect(await schemaErrors(schema, value)).toBe("");

const CASES: Record<string, Record<string, unknown>> = {
  text: { messages: [{ role: "system", content: "brief" }, { role: "user", content: "hello" }] },
  tools: { messages: [{ role: "user", content: "weather?" }], tools: TOOLS, tool_choice: "required" },
  thinking: { messages: [{ role: "user", content: "think" }], reasoning_effort: "low" },
  json: { messages: [{ role: "user", content: "json" }], response_format: { type: "json_object" } },
};

describe("non-streaming responses", () => {
  test.each(Object.keys(CASES))("%s", async (name) => {
    const res = await post({ model: "claude-sonnet-4-5", ...CASES[name] });
    expect(res.status).toBe(200);
    await valid(SCHEMAS.completion, await res.json());
  });
});

describe("stream chunks", () => {
  test.each(Object.keys(CASES))("%s (with include_usage)", async (name) => {
    const res = await post({ model: "claude-sonnet-4-5", stream: true, stream_options: { include_usage: true }, ...CASES[name] }, "text/event-stream");
    const frames = (await res.text()).split("\n\n").filter((f) => f.startsWith("data: "));
    expect(frames.pop()).toBe("data: [DONE]");
    expect(frames.length).toBeGreaterThan(2);
    for (const f of frames) await valid(SCHEMAS.chunk, JSON.parse(f.slice(6)));
  });
});

describe("error bodies", () => {
  const google = (code: number, status: string) => ({ status: code, json: { error: { code, message: "upstream says no", status } } });
  test.each([
    ["malformed JSON", () => post("{"), 400],
    ["unknown role", () => post({ model: "claude-sonnet-4-5", messages: [{ role: "robot", content: "x" }] }), 400],
    ["unknown model", () => post({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }), 404],
    ["body too large", () => post({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x".repeat(200_000) }] }), 413],
    ["upstream quota", () => (fake.reply(google(429, "RESOURCE_EXHAUSTED")), post({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] })), 429],
    ["upstream overloaded", () => (fake.reply({ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }), post({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] })), 503],
    ["upstream auth", () => (fake.reply(google(403, "PERMISSION_DENIED")), post({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] })), 502],
    ["unknown path", () => fetch(`${gw.url}/v1/nope`), 404],
    ["wrong method", () => fetch(`${gw.url}/v1/chat/completions`), 405],
  ] as const)("%s", async (_n, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    await valid(SCHEMAS.error, await res.json());
  });
});

test("model list", async () => {
  await valid(SCHEMAS.models, await (await fetch(`${gw.url}/v1/models`)).json());
});
