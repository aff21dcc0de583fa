/** The official openai SDK → gateway → fake Vertex (which validates requests the way Vertex does). */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { APIError } from "openai";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { startGateway, vertexConfig, type TestGateway } from "../helpers/gateway.ts";

let fake: FakeVertex;
let gw: TestGateway;
beforeAll(async () => {
  fake = await startFakeVertex();
  gw = await startGateway({ config: vertexConfig(fake.url, { server: { max_retry_attempts: 2 } }) });
});
afterAll(async () => {
  await gw.stop();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("requests reach Vertex in its own dialect", () => {
  test("text: rawPredict URL, version, no model, system hoisted", async () => {
    const r = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hi" },
      ],
    });
    expect(r.object).toBe("chat.completion");
    expect(r.model).toBe("claude-sonnet-4-5");
    expect(r.id).toMatch(/^chatcmpl-msg_vrtx_/);
    expect(r.choices[0]!.message.refusal).toBeNull();
    expect(r.choices[0]!.finish_reason).toBe("stop");
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    expect(sent.body.model).toBeUndefined();
    expect(sent.body.anthropic_version).toBe("vertex-2023-10-16");
    expect(sent.body.system).toEqual([{ type: "text", text: "Be brief." }]);
    expect(sent.headers.authorization).toBe("Bearer test-token");
  });

  test("tool calls round-trip with results folded into one user turn", async () => {
    const tools = [
      { type: "function" as const, function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ];
    const first = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: "required",
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type).toBe("function");
    expect(JSON.parse((call as any).function.arguments)).toBeObject();
    const second = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "sunny" },
        { role: "user", content: "thanks" },
      ],
      tools,
    });
    expect(second.choices[0]!.message.content).toBeString();
    const turns = fake.requests[1]!.body.messages;
    expect(turns.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(turns[2].content[0].type).toBe("tool_result");
    expect(turns[2].content[1]).toEqual({ type: "text", text: "thanks" });
  });

  test("data-URL images become base64 blocks", async () => {
    await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1PX}` } }] }],
    });
    const block = fake.requests[0]!.body.messages[0].content[1];
    expect(block).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1PX } });
  });

  test("reasoning_effort turns on thinking and reasoning comes back", async () => {
    fake.reply({
      message: {
        content: [
          { type: "thinking", thinking: "Let me think.", signature: "sig123" },
          { type: "text", text: "42" },
        ],
        stop_reason: "end_turn",
      },
    });
    const r = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "meaning of life?" }],
      reasoning_effort: "low",
    });
    const sent = fake.requests[0]!.body;
    expect(sent.thinking.type).toBe("enabled");
    expect(sent.thinking.budget_tokens).toBeLessThan(sent.max_tokens);
    expect(r.choices[0]!.message.content).toBe("42");
    expect((r.choices[0]!.message as any).reasoning_content).toBe("Let me think.");
  });

  test("response_format json_schema is answered as content", async () => {
    const r = await gw.client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "a person" }],
      response_format: { type: "json_schema", json_schema: { name: "person", schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } },
    });
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(JSON.parse(r.choices[0]!.message.content!)).toHaveProperty("name");
    expect(fake.requests[0]!.body.tool_choice.type).toBe("tool");
  });
});

describe("upstream errors are mapped", () => {
  const call = () => gw.client.chat.completions.create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] });
  const err = async (): Promise<APIError> => {
    try {
      await call();
    } catch (e) {
      return e as APIError;
    }
    throw new Error("expected an error");
  };
  const google = (code: number, status: string, message: string) => ({ status: code, json: { error: { code, message, status } } });

  test("429 quota (after retries) → 429 rate_limit_exceeded with Retry-After", async () => {
    const q = google(429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model");
    fake.reply(q, q, q);
    const e = await err();
    expect(e.status).toBe(429);
    expect((e.error as any).code).toBe("rate_limit_exceeded");
    expect((e.error as any).message).toContain("Quota exceeded");
    expect(e.headers?.get("retry-after")).toMatch(/^\d+$/);
    expect(fake.requests.length).toBe(3);
  });
  test("a retried 503 then success is invisible to the client", async () => {
    fake.reply({ status: 503, text: "<html>unavailable</html>" });
    const r = await call();
    expect(r.choices[0]!.message.content).toBeString();
    expect(fake.requests.length).toBe(2);
  });
  test("529 overloaded → 503", async () => {
    const o = { status: 529, json: { type: "error", error: { details: null, type: "overloaded_error", message: "Overloaded" } } };
    fake.reply(o, o, o);
    expect((await err()).status).toBe(503);
  });
  test("Anthropic 400 keeps its message", async () => {
    fake.reply({ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 205351 tokens > 200000 maximum" } } });
    const e = await err();
    expect(e.status).toBe(400);
    expect(e.message).toContain("prompt is too long");
  });
  test("Google 404 model → 404 model_not_found", async () => {
    fake.reply(google(404, "NOT_FOUND", "Publisher Model `projects/p1/locations/us-east5/publishers/anthropic/models/x` not found."));
    const e = await err();
    expect(e.status).toBe(404);
    expect((e.error as any).code).toBe("model_not_found");
  });
  test("Google 403 on our credentials → 502, not blamed on the client", async () => {
    fake.reply(google(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied"));
    const e = await err();
    expect(e.status).toBe(502);
  });
  test("non-JSON upstream body → 502", async () => {
    fake.reply({ status: 400, text: "bad gateway html" });
    expect((await err()).status).toBe(502);
  });
});

describe("client mistakes", () => {
  test("n > 1 → 400 naming n", async () => {
    try {
      await gw.client.chat.completions.create({ model: "claude-sonnet-4-5", n: 2, messages: [{ role: "user", content: "x" }] });
      throw new Error("no error");
    } catch (e) {
      expect((e as APIError).status).toBe(400);
      expect(((e as APIError).error as any).param).toBe("n");
    }
  });
  test("invalid tool-call arguments → 400 naming the param", async () => {
    try {
      await gw.client.chat.completions.create({
        model: "claude-sonnet-4-5",
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{oops" } }] },
          { role: "tool", tool_call_id: "call_1", content: "r" },
        ],
      });
      throw new Error("no error");
    } catch (e) {
      expect((e as APIError).status).toBe(400);
      expect(((e as APIError).error as any).param).toBe("messages[1].tool_calls[0].function.arguments");
    }
  });
});

describe("client disconnects", () => {
  test("a client giving up on a non-streaming call aborts the upstream call at once", async () => {
    fake.reply({ message: {}, delayMs: 3_000 });
    const ctrl = new AbortController();
    const p = gw.client.chat.completions
      .create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] }, { signal: ctrl.signal })
      .then(() => "answered", (e: Error) => e.message);
    for (let i = 0; i < 100 && fake.requests.length === 0; i++) await Bun.sleep(10);
    const t0 = performance.now();
    ctrl.abort();
    expect(await p).toMatch(/aborted/i);
    for (let i = 0; i < 200 && fake.abortedRequests === 0; i++) await Bun.sleep(5);
    expect(fake.abortedRequests).toBe(1);
    expect(performance.now() - t0).toBeLessThan(2_000); // well before the fake would have answered
  });
});
