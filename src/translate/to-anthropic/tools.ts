/**
 * tools / tool_choice / response_format → Anthropic tools and tool_choice (pure).
 * - A tool is `{name, description, input_schema}`; a missing `parameters` becomes an empty object schema, a
 *   schema without `type` gets `type: "object"`, any other root type → 400 (Claude needs an object).
 *   `strict` is dropped (Vertex does not take it everywhere; the schema is still sent).
 * - Names must match ^[a-zA-Z0-9_-]{1,128}$ and be unique → else 400 naming `tools[i].function.name`.
 * - tool_choice none/auto/required/named → {type: none|auto|any|tool}; `parallel_tool_calls: false` adds
 *   `disable_parallel_tool_use: true` to auto/any/tool. required/named without tools, or naming a tool that
 *   is not in `tools` → 400.
 * - response_format json_schema/json_object → one extra tool whose input is the answer (see `jsonTool`).
 */
import { badRequest } from "../../errors.ts";
import type { Tool, ToolChoice as AnthropicToolChoice } from "../../wire/anthropic.ts";
import type { FunctionTool, ResponseFormat, ToolChoice } from "../../wire/openai.ts";
import { cacheControl } from "./content.ts";

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
/** Name of the response_format tool when the schema's own name cannot be used. */
export const JSON_TOOL_NAME = "json_response";
/**
 * Sent (with tool_choice none) when the history holds tool calls but the client sent no tools: Anthropic
 * refuses tool_use / tool_result blocks in a request that defines no tools.
 */
export const PLACEHOLDER_TOOL: Tool = {
  name: "tool_unavailable",
  description: "Placeholder: no tools are available in this turn. Do not call it.",
  input_schema: { type: "object", properties: {} },
};

/** Converts and validates the client's tools. */
export function toTools(tools: FunctionTool[] | undefined): Tool[] {
  const seen = new Set<string>();
  return (tools ?? []).map((t, i) => {
    const p = `tools[${i}].function`;
    const name = t.function.name;
    if (!TOOL_NAME_PATTERN.test(name))
      throw badRequest(`tool name ${JSON.stringify(name)} must match ^[a-zA-Z0-9_-]{1,128}$`, `${p}.name`);
    if (seen.has(name)) throw badRequest(`tool name ${JSON.stringify(name)} is used twice; tool names must be unique`, `${p}.name`);
    seen.add(name);
    const tool: Tool = { name, input_schema: objectSchema(t.function.parameters, `${p}.parameters`) };
    if (t.function.description?.trim()) tool.description = t.function.description;
    if (t.cache_control) tool.cache_control = cacheControl(t.cache_control);
    return tool;
  });
}

function objectSchema(schema: Record<string, unknown> | undefined, p: string): Record<string, unknown> {
  if (schema === undefined) return { type: "object", properties: {} };
  if (schema.type === undefined) return { type: "object", ...schema };
  if (schema.type !== "object") throw badRequest(`the schema must describe an object (type "object"); got type ${JSON.stringify(schema.type)}`, p);
  return schema;
}

/** Maps tool_choice (+ parallel_tool_calls); undefined when nothing needs to be sent. */
export function toToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
  names: readonly string[],
): AnthropicToolChoice | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (typeof choice === "object") {
    const name = choice.function.name;
    if (!names.includes(name))
      throw badRequest(`tool_choice names ${JSON.stringify(name)}, which is not in 'tools'`, "tool_choice.function.name");
    return { type: "tool", name, ...noParallel };
  }
  if (choice === "required") {
    if (names.length === 0) throw badRequest("tool_choice \"required\" needs at least one tool in 'tools'", "tool_choice");
    return { type: "any", ...noParallel };
  }
  if (names.length === 0) return undefined;
  if (choice === "none") return { type: "none" };
  if (choice === "auto" || parallel === false) return { type: "auto", ...noParallel };
  return undefined;
}

/** The tool standing for a json response_format, named so it does not clash with a client tool. */
export function toJsonTool(rf: ResponseFormat | undefined, taken: readonly string[]): Tool | undefined {
  if (!rf || rf.type === "text") return undefined;
  const js = rf.type === "json_schema" ? rf.json_schema : undefined;
  const wanted = js && TOOL_NAME_PATTERN.test(js.name) && !taken.includes(js.name) ? js.name : JSON_TOOL_NAME;
  let name = wanted;
  for (let n = 2; taken.includes(name); n++) name = `${JSON_TOOL_NAME}_${n}`;
  const description =
    js?.description?.trim() ||
    "Give your final answer to the user by calling this tool; its input is the JSON response. Always call it exactly once.";
  const input_schema = js?.schema
    ? objectSchema(js.schema, "response_format.json_schema.schema")
    : { type: "object", additionalProperties: true };
  return { name, description, input_schema };
}
