import { expect400 } from "../../../helpers/errors.ts";
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type RequestTranslateOptions, toMessagesRequest } from "../../../../src/translate/to-anthropic/request.ts";
import { parseChatRequest } from "../../../../src/wire/parse-request.ts";

const DIR = join(import.meta.dir, "../../../fixtures/requests");
const DEFAULTS: RequestTranslateOptions = { defaultMaxTokens: 4096, thinkingStyle: "budget" };
const load = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), "utf8"));
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".openai.json"))
  .map((f) => f.slice(0, -".openai.json".length))
  .sort();

function translate(raw: unknown, opts: Partial<RequestTranslateOptions> = {}) {
  return toMessagesRequest(parseChatRequest(raw, { max_messages: 1000 }), { ...DEFAULTS, ...opts });
}


const user = (content: string) => ({ role: "user", content });

describe("fixture pairs (test/fixtures/requests/<case>.openai.json → <case>.anthropic.json)", () => {
  test("the folder has cases and every case has an expected output", () => {
    expect(cases.length).toBeGreaterThan(30);
    for (const name of cases) expect(existsSync(join(DIR, `${name}.anthropic.json`))).toBe(true);
  });

  test.each(cases)("translates %s", (name) => {
    const optsFile = join(DIR, `${name}.options.json`);
    const opts = existsSync(optsFile) ? (load(`${name}.options.json`) as Partial<RequestTranslateOptions>) : {};
    const result = translate(load(`${name}.openai.json`), opts);
    expect(result).toEqual(load(`${name}.anthropic.json`) as typeof result);
    // The provider owns these: the translator must never set them.
    expect(result.body).not.toHaveProperty("model");
    expect(result.body).not.toHaveProperty("anthropic_version");
    expect(result.body).not.toHaveProperty("stream");
  });
});

describe("toMessagesRequest", () => {
  test("is pure: the input request is not modified", () => {
    const raw = load("tool-roundtrip.openai.json");
    const req = parseChatRequest(raw, { max_messages: 100 });
    const before = structuredClone(req);
    toMessagesRequest(req, DEFAULTS);
    toMessagesRequest(req, DEFAULTS);
    expect(req).toEqual(before);
  });

  test("uses opts.defaultMaxTokens when the client sends no max", () => {
    expect(translate({ model: "m", messages: [user("hi")] }, { defaultMaxTokens: 777 }).body.max_tokens).toBe(777);
  });

  test("max_completion_tokens wins over max_tokens", () => {
    const r = translate({ model: "m", max_tokens: 10, max_completion_tokens: 20, messages: [user("hi")] });
    expect(r.body.max_tokens).toBe(20);
  });

  test("a system-only conversation still gets a user turn", () => {
    const r = translate({ model: "m", messages: [{ role: "system", content: "Say hello." }] });
    expect(r.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "." }] }]);
    expect(r.body.system).toEqual([{ type: "text", text: "Say hello." }]);
  });

  test("a non-personal user id longer than 256 characters is hashed", () => {
    const r = translate({ model: "m", user: "x".repeat(300), messages: [user("hi")] });
    expect(r.body.metadata?.user_id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("phone-number-like user ids are hashed", () => {
    const r = translate({ model: "m", user: "+1 (555) 010-9999", messages: [user("hi")] });
    expect(r.body.metadata?.user_id).toMatch(/^sha256:/);
  });
});

describe("toMessagesRequest errors (400 naming the param)", () => {
  const tools = [{ type: "function", function: { name: "a" } }];
  const think = { reasoning_effort: "high" };

  test.each([
    ["tool_choice required with thinking", { ...think, tools, tool_choice: "required" }, "tool_choice"],
    ["named tool_choice with thinking", { ...think, tools, tool_choice: { type: "function", function: { name: "a" } } }, "tool_choice"],
    ["json_schema with thinking", { ...think, response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } } }, "response_format"],
    ["json_object with thinking", { ...think, response_format: { type: "json_object" } }, "response_format"],
    ["max_completion_tokens too small for thinking", { ...think, max_completion_tokens: 1024 }, "max_completion_tokens"],
    ["max_tokens too small for thinking", { ...think, max_tokens: 500 }, "max_tokens"],
    ["tool_choice names an unknown tool", { tools, tool_choice: { type: "function", function: { name: "zzz" } } }, "tool_choice.function.name"],
    ["tool_choice required without tools", { tool_choice: "required" }, "tool_choice"],
    ["tool_choice named without tools", { tool_choice: { type: "function", function: { name: "a" } } }, "tool_choice.function.name"],
    ["invalid tool name", { tools: [{ type: "function", function: { name: "has space" } }] }, "tools[0].function.name"],
    ["tool name too long", { tools: [{ type: "function", function: { name: "a".repeat(129) } }] }, "tools[0].function.name"],
    ["duplicate tool names", { tools: [...tools, { type: "function", function: { name: "b" } }, ...tools] }, "tools[2].function.name"],
    ["tool parameters not an object schema", { tools: [{ type: "function", function: { name: "a", parameters: { type: "array" } } }] }, "tools[0].function.parameters"],
    ["json_schema root not an object", { response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "array" } } } }, "response_format.json_schema.schema"],
  ])("%s", (_name, extra, param) => {
    expect400(() => translate({ model: "m", messages: [user("hi")], ...extra }), param);
  });

  test("thinking with tool_choice auto or none is fine", () => {
    for (const tool_choice of ["auto", "none"]) {
      const r = translate({ model: "m", messages: [user("hi")], ...think, tools, tool_choice });
      expect(r.body.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
    }
  });

  test("a forced tool_choice is accepted once thinking is switched off for an unsigned tool loop", () => {
    const messages = [
      user("go"),
      { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "a", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "done" },
    ];
    const r = translate({ model: "m", messages, ...think, tools, tool_choice: "required" });
    expect(r.body.thinking).toBeUndefined();
    expect(r.body.tool_choice).toEqual({ type: "any" });
  });

  test("the error body is OpenAI-shaped", () => {
    const err = expect400(() => translate({ model: "m", messages: [user("hi")], tool_choice: "required" }), "tool_choice");
    expect(err.toJSON().error).toMatchObject({ type: "invalid_request_error", param: "tool_choice" });
  });
});
