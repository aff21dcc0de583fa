import { expect400 as expectBadRequest } from "../../helpers/errors.ts";
import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../src/errors.ts";
import { parseChatRequest } from "../../../src/wire/parse-request.ts";

const LIMITS = { max_messages: 5 };
const hi = [{ role: "user", content: "hi" }];
const parse = (body: unknown) => parseChatRequest(body, LIMITS);
const withBase = (extra: Record<string, unknown>) => ({ model: "m", messages: hi, ...extra });

function expect400(body: unknown, param: string | null): HttpError {
  const err = expectBadRequest(() => parse(body), param);
  expect(err.toJSON().error.type).toBe("invalid_request_error");
  return err;
}

describe("parseChatRequest: shape errors → 400 naming the param", () => {
  const msg = (m: unknown) => ({ model: "m", messages: [{ role: "user", content: "hi" }, m] });
  test.each([
    ["body not an object", [1, 2], null],
    ["body null", null, null],
    ["missing model", { messages: hi }, "model"],
    ["empty model", { model: " ", messages: hi }, "model"],
    ["model not a string", { model: 3, messages: hi }, "model"],
    ["missing messages", { model: "m" }, "messages"],
    ["messages not an array", { model: "m", messages: "hi" }, "messages"],
    ["empty messages", { model: "m", messages: [] }, "messages"],
    ["too many messages", { model: "m", messages: Array(6).fill(hi[0]) }, "messages"],
    ["message not an object", msg("hi"), "messages[1]"],
    ["unknown role", msg({ role: "robot", content: "x" }), "messages[1].role"],
    ["missing role", msg({ content: "x" }), "messages[1].role"],
    ["user content missing", msg({ role: "user" }), "messages[1].content"],
    ["user content a number", msg({ role: "user", content: 5 }), "messages[1].content"],
    ["part not an object", msg({ role: "user", content: ["x"] }), "messages[1].content[0]"],
    ["unknown part type", msg({ role: "user", content: [{ type: "video", video: {} }] }), "messages[1].content[0].type"],
    ["text part without text", msg({ role: "user", content: [{ type: "text" }] }), "messages[1].content[0].text"],
    ["image part without url", msg({ role: "user", content: [{ type: "image_url", image_url: {} }] }), "messages[1].content[0].image_url.url"],
    ["bad image detail", msg({ role: "user", content: [{ type: "image_url", image_url: { url: "data:,", detail: "max" } }] }), "messages[1].content[0].image_url.detail"],
    ["file part with nothing", msg({ role: "user", content: [{ type: "file", file: { filename: "a.pdf" } }] }), "messages[1].content[0].file"],
    ["image part in a system message", msg({ role: "system", content: [{ type: "image_url", image_url: { url: "data:," } }] }), "messages[1].content[0].type"],
    ["audio part in a tool message", msg({ role: "tool", tool_call_id: "c", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] }), "messages[1].content[0].type"],
    ["tool message without tool_call_id", msg({ role: "tool", content: "x" }), "messages[1].tool_call_id"],
    ["tool_calls not an array", msg({ role: "assistant", tool_calls: {} }), "messages[1].tool_calls"],
    ["tool call without id", msg({ role: "assistant", tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }), "messages[1].tool_calls[0].id"],
    ["tool call without name", msg({ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { arguments: "{}" } }] }), "messages[1].tool_calls[0].function.name"],
    ["tool call arguments a number", msg({ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: 1 } }] }), "messages[1].tool_calls[0].function.arguments"],
    ["tool call of another type", msg({ role: "assistant", tool_calls: [{ id: "c", type: "custom", function: { name: "f" } }] }), "messages[1].tool_calls[0].type"],
    ["bad thinking block", msg({ role: "assistant", content: "x", thinking_blocks: [{ type: "other" }] }), "messages[1].thinking_blocks[0].type"],
    ["bad cache_control", msg({ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "persistent" } }] }), "messages[1].content[0].cache_control"],
    ["bad cache ttl", msg({ role: "user", content: "x", cache_control: { type: "ephemeral", ttl: "1d" } }), "messages[1].cache_control.ttl"],
    ["message cache_control of another type", msg({ role: "user", content: "x", cache_control: { type: "persistent" } }), "messages[1].cache_control"],
    ["message name not a string", msg({ role: "user", content: "x", name: 5 }), "messages[1].name"],
    ["assistant content a number", msg({ role: "assistant", content: 5 }), "messages[1].content"],
    ["text part without text in a system message", msg({ role: "system", content: [{ type: "text" }] }), "messages[1].content[0].text"],
    ["function message without a function_call", msg({ role: "function", name: "f", content: "x" }), "messages[1].role"],
  ])("%s", (_name, body, param) => {
    expect400(body, param);
  });
});

describe("parseChatRequest: parameter errors → 400 naming the param", () => {
  test.each([
    ["temperature above 2", { temperature: 2.5 }, "temperature"],
    ["temperature negative", { temperature: -0.1 }, "temperature"],
    ["temperature a string", { temperature: "1" }, "temperature"],
    ["top_p above 1", { top_p: 1.5 }, "top_p"],
    ["top_k zero", { top_k: 0 }, "top_k"],
    ["max_tokens zero", { max_tokens: 0 }, "max_tokens"],
    ["max_completion_tokens fractional", { max_completion_tokens: 10.5 }, "max_completion_tokens"],
    ["stream a string", { stream: "yes" }, "stream"],
    ["stream_options not an object", { stream_options: true }, "stream_options"],
    ["stop a number", { stop: 5 }, "stop"],
    ["stop with a number inside", { stop: ["a", 1] }, "stop"],
    ["too many stop sequences", { stop: Array(17).fill("x") }, "stop"],
    ["reasoning_effort unknown", { reasoning_effort: "extreme" }, "reasoning_effort"],
    ["reasoning.effort unknown", { reasoning: { effort: "ultra" } }, "reasoning.effort"],
    ["tools not an array", { tools: {} }, "tools"],
    ["custom tool type", { tools: [{ type: "custom", custom: { name: "x" } }] }, "tools[0].type"],
    ["tool without function", { tools: [{ type: "function" }] }, "tools[0].function"],
    ["tool without name", { tools: [{ type: "function", function: {} }] }, "tools[0].function.name"],
    ["tool parameters an array", { tools: [{ type: "function", function: { name: "a", parameters: [] } }] }, "tools[0].function.parameters"],
    ["tools and functions together", { tools: [], functions: [] }, "functions"],
    ["legacy function without name", { functions: [{}] }, "functions[0].name"],
    ["tool_choice unknown string", { tool_choice: "always" }, "tool_choice"],
    ["tool_choice function without name", { tool_choice: { type: "function", function: {} } }, "tool_choice.function.name"],
    ["allowed_tools naming an unknown tool", { tools: [{ type: "function", function: { name: "a" } }], tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "b" } }] } } }, "tool_choice.allowed_tools.tools[0].function.name"],
    ["allowed_tools bad mode", { tool_choice: { type: "allowed_tools", allowed_tools: { mode: "any", tools: [] } } }, "tool_choice.allowed_tools.mode"],
    ["parallel_tool_calls a string", { parallel_tool_calls: "false" }, "parallel_tool_calls"],
    ["response_format unknown type", { response_format: { type: "yaml" } }, "response_format.type"],
    ["json_schema missing", { response_format: { type: "json_schema" } }, "response_format.json_schema"],
    ["json_schema schema not an object", { response_format: { type: "json_schema", json_schema: { name: "x", schema: "{}" } } }, "response_format.json_schema.schema"],
    ["user not a string", { user: 42 }, "user"],
    ["frequency_penalty out of range", { frequency_penalty: 3 }, "frequency_penalty"],
  ])("%s", (_name, extra, param) => {
    expect400(withBase(extra), param);
  });
});

describe("parseChatRequest: features Claude cannot honour → 400 naming the param", () => {
  test.each([
    ["n > 1", { n: 2 }, "n"],
    ["logprobs", { logprobs: true }, "logprobs"],
    ["top_logprobs", { top_logprobs: 3 }, "top_logprobs"],
    ["logit_bias", { logit_bias: { "50256": -100 } }, "logit_bias"],
    ["audio output", { audio: { voice: "alloy", format: "mp3" } }, "audio"],
    ["audio modality", { modalities: ["text", "audio"] }, "modalities"],
    ["prediction", { prediction: { type: "content", content: "x" } }, "prediction"],
    ["web_search_options", { web_search_options: {} }, "web_search_options"],
  ])("%s", (_name, extra, param) => {
    const err = expect400(withBase(extra), param);
    expect(err.message.length).toBeGreaterThan(20);
  });
});

describe("parseChatRequest: clean output", () => {
  test("unknown and harmless fields are dropped; nulls are omitted", () => {
    const out = parse(
      withBase({
        seed: 1, store: true, metadata: { a: "b" }, service_tier: "auto", frequency_penalty: 0, presence_penalty: 0.5,
        temperature: null, top_p: null, max_tokens: null, stop: null, tools: null, tool_choice: null, n: 1, logprobs: false,
        logit_bias: {}, modalities: ["text"], stream: true, stream_options: { include_usage: true, include_obfuscation: false },
        extra_body: { x: 1 },
      }),
    );
    expect(out).toEqual({ model: "m", messages: [{ role: "user", content: "hi" }], n: 1, stream: true, stream_options: { include_usage: true } });
  });

  test("messages keep only known fields", () => {
    const out = parse({
      model: "m",
      messages: [
        { role: "developer", content: [{ type: "text", text: "rules", extra: 1 }], name: "dev", weird: true },
        { role: "user", content: [{ type: "image_url", image_url: "data:image/png;base64,AAAA" }] },
        { role: "assistant", content: null, refusal: null, audio: null, tool_calls: [{ id: "c", function: { name: "f", arguments: { a: 1 } } }] },
        { role: "tool", tool_call_id: "c", content: null },
      ],
    });
    expect(out.messages).toEqual([
      { role: "developer", name: "dev", content: [{ type: "text", text: "rules" }] },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      { role: "tool", tool_call_id: "c", content: "" },
    ]);
  });

  test("reasoning.effort is accepted as an alias of reasoning_effort", () => {
    expect(parse(withBase({ reasoning: { effort: "low" } })).reasoning_effort).toBe("low");
  });

  test("allowed_tools narrows the tool list and maps its mode", () => {
    const fn = (name: string) => ({ type: "function", function: { name } });
    const out = parse(withBase({
      tools: [fn("a"), fn("b")],
      tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [fn("b")] } },
    }));
    expect(out.tools?.map((t) => t.function.name)).toEqual(["b"]);
    expect(out.tool_choice).toBe("auto");
  });

  test("legacy functions / function_call / role function become tools / tool_calls / tool messages", () => {
    const out = parse({
      model: "m",
      functions: [{ name: "f", description: "d", parameters: { type: "object" } }],
      function_call: "auto",
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } },
        { role: "function", name: "f", content: "result" },
      ],
    });
    expect(out.tools).toEqual([{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" } } }]);
    expect(out.tool_choice).toBe("auto");
    expect(out.messages[1]?.tool_calls).toEqual([{ id: "call_fn_1", type: "function", function: { name: "f", arguments: "{}" } }]);
    expect(out.messages[2]).toEqual({ role: "tool", name: "f", tool_call_id: "call_fn_1", content: "result" });
  });

  test("json_schema without a name gets a default name", () => {
    const out = parse(withBase({ response_format: { type: "json_schema", json_schema: { schema: { type: "object" } } } }));
    expect(out.response_format).toEqual({ type: "json_schema", json_schema: { name: "json_response", schema: { type: "object" } } });
  });

  test("exactly max_messages messages are accepted", () => {
    expect(parse({ model: "m", messages: Array(5).fill(hi[0]) }).messages).toHaveLength(5);
  });
});
