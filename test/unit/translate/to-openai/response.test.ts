import { describe, expect, test } from "bun:test";
import { toChatCompletion, type ResponseContext } from "../../../../src/translate/to-openai/response.ts";
import { toFinishReason } from "../../../../src/translate/reasons.ts";
import type { Message } from "../../../../src/wire/anthropic.ts";
import { SCHEMAS, schemaErrors } from "../../../helpers/openapi.ts";

const DIR = new URL("../../../fixtures/responses/", import.meta.url);
const CTX: ResponseContext = { model: "claude-sonnet-4-5", created: 1755000000 };
const cases = [...new Bun.Glob("*.anthropic.json").scanSync(DIR.pathname)].map((f) => f.replace(".anthropic.json", "")).sort();

async function load(name: string): Promise<{ input: Message; ctx: ResponseContext; expected: unknown }> {
  const ctxFile = Bun.file(new URL(`${name}.context.json`, DIR));
  const extra = (await ctxFile.exists()) ? ((await ctxFile.json()) as Partial<ResponseContext>) : {};
  return {
    input: (await Bun.file(new URL(`${name}.anthropic.json`, DIR)).json()) as Message,
    ctx: { ...CTX, ...extra },
    expected: await Bun.file(new URL(`${name}.openai.json`, DIR)).json(),
  };
}

describe("toChatCompletion fixtures", () => {
  test("there are fixture pairs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases)("translates %s", async (name) => {
    const { input, ctx, expected } = await load(name);
    const out = toChatCompletion(input, ctx);
    expect(out).toEqual(expected as ReturnType<typeof toChatCompletion>);
    expect(await schemaErrors(SCHEMAS.completion, out)).toBe("");
    // Round-trips through JSON unchanged (no undefined values, no non-JSON types).
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});

const base: Message = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude",
  content: [],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 2 },
};

describe("toChatCompletion rules", () => {
  test("id comes from the upstream message id; model and created from the context", () => {
    const out = toChatCompletion({ ...base, id: "msg_vrtx_abc" }, { model: "my-alias", created: 42 });
    expect(out.id).toBe("chatcmpl-msg_vrtx_abc");
    expect(out.model).toBe("my-alias");
    expect(out.created).toBe(42);
    expect(out.object).toBe("chat.completion");
  });

  test("tool arguments are compact JSON of the input", () => {
    const out = toChatCompletion({ ...base, stop_reason: "tool_use", content: [{ type: "tool_use", id: "t1", name: "f", input: { a: [1, { b: "x y" }] } }] }, CTX);
    expect(out.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{"a":[1,{"b":"x y"}]}');
  });

  test("content is null and tool_calls omitted when there is neither text nor tools", () => {
    const msg = toChatCompletion(base, CTX).choices[0]!.message;
    expect(msg.content).toBeNull();
    expect("tool_calls" in msg).toBe(false);
    expect("reasoning_content" in msg).toBe(false);
    expect("thinking_blocks" in msg).toBe(false);
  });

  test("malformed upstream content never throws", () => {
    const weird = { ...base, content: [null, 3, "x", { type: "text" }, { type: "tool_use" }, { type: "thinking" }] } as unknown as Message;
    const out = toChatCompletion(weird, CTX);
    expect(out.choices[0]?.message.tool_calls?.[0]).toEqual({ id: "", type: "function", function: { name: "", arguments: "{}" } });
    const notArray = { ...base, content: undefined, usage: undefined } as unknown as Message;
    expect(toChatCompletion(notArray, CTX).usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("a jsonTool that the model did not call leaves other tools as tool calls", () => {
    const out = toChatCompletion(
      { ...base, stop_reason: "tool_use", content: [{ type: "tool_use", id: "t1", name: "other", input: {} }] },
      { ...CTX, jsonTool: "json_response" },
    );
    expect(out.choices[0]?.finish_reason).toBe("tool_calls");
    expect(out.choices[0]?.message.content).toBeNull();
  });
});

describe("toFinishReason", () => {
  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    [null, "stop"],
    [undefined, "stop"],
    ["brand_new_reason", "stop"],
    ["toString", "stop"],
  ] as const)("maps %p to %p", (reason, expected) => {
    expect(toFinishReason(reason)).toBe(expected);
  });

  test("tool_use for the JSON tool alone is stop", () => {
    expect(toFinishReason("tool_use", { jsonOnly: true })).toBe("stop");
    expect(toFinishReason("max_tokens", { jsonOnly: true })).toBe("length");
  });
});
