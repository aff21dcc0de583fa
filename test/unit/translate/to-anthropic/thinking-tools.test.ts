import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../../src/errors.ts";
import { planThinking, THINKING_BUDGETS } from "../../../../src/translate/to-anthropic/thinking.ts";
import { JSON_TOOL_NAME, toJsonTool, toToolChoice } from "../../../../src/translate/to-anthropic/tools.ts";
import type { ReasoningEffort } from "../../../../src/wire/openai.ts";

const noMax = { param: "max_completion_tokens" };

describe("planThinking (style budget)", () => {
  test.each([
    ["minimal", 1024], ["low", 2048], ["medium", 8192], ["high", 16384], ["xhigh", 32768], ["max", 49152],
  ] as const)("%s → budget %d, max_tokens leaves 8192 for the answer", (effort, budget) => {
    expect(THINKING_BUDGETS[effort]).toBe(budget);
    expect(planThinking(effort, "budget", noMax, 4096)).toEqual({
      max_tokens: budget + 8192,
      thinking: { type: "enabled", budget_tokens: budget },
    });
  });

  test("a larger default max is kept", () => {
    expect(planThinking("low", "budget", noMax, 32000).max_tokens).toBe(32000);
  });

  test.each([
    [1025, "high", 1024], [2048, "high", 1024], [5000, "high", 2500], [100_000, "high", 16384], [100_000, "minimal", 1024],
  ] as const)("client max %d with %s → budget %d (always < max)", (max, effort, budget) => {
    const plan = planThinking(effort, "budget", { value: max, param: "max_tokens" }, 4096);
    expect(plan).toEqual({ max_tokens: max, thinking: { type: "enabled", budget_tokens: budget } });
    expect(budget).toBeLessThan(max);
  });

  test("client max ≤ 1024 → 400 naming the client's max param", () => {
    try {
      planThinking("low", "budget", { value: 1024, param: "max_tokens" }, 4096);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).details.param).toBe("max_tokens");
    }
  });

  test("none or absent → no thinking", () => {
    expect(planThinking("none", "budget", noMax, 4096)).toEqual({ max_tokens: 4096 });
    expect(planThinking(undefined, "adaptive", { value: 99, param: "max_tokens" }, 4096)).toEqual({ max_tokens: 99 });
  });
});

describe("planThinking (style adaptive)", () => {
  test.each([
    ["minimal", "low"], ["low", "low"], ["medium", "medium"], ["high", "high"], ["xhigh", "xhigh"], ["max", "max"],
  ] as const)("%s → effort %s", (effort: ReasoningEffort, out) => {
    expect(planThinking(effort, "adaptive", noMax, 4096)).toEqual({ max_tokens: 4096, thinking: { type: "adaptive" }, effort: out });
  });
});

describe("toToolChoice", () => {
  const names = ["a", "b"];
  test.each([
    ["none", undefined, { type: "none" }],
    ["auto", undefined, { type: "auto" }],
    ["required", undefined, { type: "any" }],
    [undefined, undefined, undefined],
    [undefined, true, undefined],
    [undefined, false, { type: "auto", disable_parallel_tool_use: true }],
    ["auto", false, { type: "auto", disable_parallel_tool_use: true }],
    ["required", false, { type: "any", disable_parallel_tool_use: true }],
    ["none", false, { type: "none" }],
  ] as const)("%p with parallel_tool_calls %p → %j", (choice, parallel, out) => {
    expect(toToolChoice(choice, parallel, names)).toEqual(out);
  });

  test("named → tool (+ disable_parallel_tool_use)", () => {
    const named = { type: "function", function: { name: "b" } } as const;
    expect(toToolChoice(named, undefined, names)).toEqual({ type: "tool", name: "b" });
    expect(toToolChoice(named, false, names)).toEqual({ type: "tool", name: "b", disable_parallel_tool_use: true });
  });

  test("auto/none without tools sends nothing", () => {
    expect(toToolChoice("auto", false, [])).toBeUndefined();
    expect(toToolChoice("none", undefined, [])).toBeUndefined();
  });
});

describe("toJsonTool", () => {
  const schema = { name: "weather_report", schema: { type: "object", properties: {} } };
  test("uses the schema name when it is a valid, free tool name", () => {
    expect(toJsonTool({ type: "json_schema", json_schema: schema }, [])?.name).toBe("weather_report");
  });
  test("falls back to json_response on a clash or an invalid name, and avoids further clashes", () => {
    expect(toJsonTool({ type: "json_schema", json_schema: schema }, ["weather_report"])?.name).toBe(JSON_TOOL_NAME);
    expect(toJsonTool({ type: "json_schema", json_schema: { ...schema, name: "bad name" } }, [])?.name).toBe(JSON_TOOL_NAME);
    expect(toJsonTool({ type: "json_object" }, [JSON_TOOL_NAME])?.name).toBe(`${JSON_TOOL_NAME}_2`);
  });
  test("a json_schema without schema accepts any object; text → no tool", () => {
    expect(toJsonTool({ type: "json_schema", json_schema: { name: "x" } }, [])?.input_schema).toEqual({ type: "object", additionalProperties: true });
    expect(toJsonTool({ type: "text" }, [])).toBeUndefined();
    expect(toJsonTool(undefined, [])).toBeUndefined();
  });
});
