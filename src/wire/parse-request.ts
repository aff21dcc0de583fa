/**
 * Inbound edge: validates an untrusted JSON body into a clean ChatCompletionRequest. Every defect becomes a
 * 400 that names the offending parameter (`messages[2].role`, `tools[0].function.name`, …). Fields we do not
 * use are dropped; features Claude cannot honour (n > 1, logprobs, audio output, logit_bias, prediction,
 * web search options) are refused here rather than silently ignored. Soft hints with no Claude equivalent
 * (frequency/presence penalties, seed, verbosity, store, metadata, service_tier, …) are ignored: many UIs send
 * them by default and refusing them would break those clients for no benefit.
 * Legacy `functions` / `function_call` / role `function` are rewritten into tools / tool_calls / tool messages.
 */
import { badRequest } from "../errors.ts";
import type { ChatCompletionRequest, FunctionTool, ReasoningEffort, ResponseFormat, ToolChoice } from "./openai.ts";
import { parseCacheControl, parseMessages } from "./parse-messages.ts";
import { isObj, describe, reqStr, optStr, optBool, optNum, type Obj } from "./parse-values.ts";

/** Most stop sequences accepted (OpenAI allows 4; Anthropic has no documented cap). */
export const MAX_STOP_SEQUENCES = 16;
const EFFORTS: readonly ReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

/** Validates a chat completion request body; throws HttpError 400 naming the bad param. */
export function parseChatRequest(body: unknown, limits: { max_messages: number }): ChatCompletionRequest {
  if (!isObj(body)) throw badRequest("request body must be a JSON object", null);
  refuseUnsupported(body);
  if (typeof body.model !== "string" || body.model.trim() === "")
    throw badRequest("'model' is required and must be a non-empty string", "model");
  const out: ChatCompletionRequest = { model: body.model, messages: parseMessages(body.messages, limits.max_messages) };

  const stream = optBool(body.stream, "stream");
  if (stream !== undefined) out.stream = stream;
  if (body.stream_options != null) {
    if (!isObj(body.stream_options)) throw badRequest("'stream_options' must be an object", "stream_options");
    const iu = optBool(body.stream_options.include_usage, "stream_options.include_usage");
    out.stream_options = iu === undefined ? {} : { include_usage: iu };
  }
  setNum(out, "max_tokens", optNum(body.max_tokens, "max_tokens", 1, Number.MAX_SAFE_INTEGER, true));
  setNum(out, "max_completion_tokens", optNum(body.max_completion_tokens, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER, true));
  setNum(out, "temperature", optNum(body.temperature, "temperature", 0, 2));
  setNum(out, "top_p", optNum(body.top_p, "top_p", 0, 1));
  setNum(out, "top_k", optNum(body.top_k, "top_k", 1, Number.MAX_SAFE_INTEGER, true));
  setNum(out, "n", optNum(body.n, "n", 1, 128, true));
  optNum(body.frequency_penalty, "frequency_penalty", -2, 2);
  optNum(body.presence_penalty, "presence_penalty", -2, 2);
  const stop = parseStop(body.stop);
  if (stop !== undefined) out.stop = stop;

  const tools = parseTools(body);
  const choice = parseToolChoice(body, tools);
  if (choice.tools !== undefined) out.tools = choice.tools;
  if (choice.choice !== undefined) out.tool_choice = choice.choice;
  const parallel = optBool(body.parallel_tool_calls, "parallel_tool_calls");
  if (parallel !== undefined) out.parallel_tool_calls = parallel;
  const rf = parseResponseFormat(body.response_format);
  if (rf !== undefined) out.response_format = rf;

  const effort = body.reasoning_effort ?? (isObj(body.reasoning) ? body.reasoning.effort : undefined);
  if (effort != null) {
    const param = body.reasoning_effort != null ? "reasoning_effort" : "reasoning.effort";
    if (!EFFORTS.includes(effort as ReasoningEffort))
      throw badRequest(`'${param}' must be one of ${EFFORTS.join(", ")}`, param);
    out.reasoning_effort = effort as ReasoningEffort;
  }
  const user = optStr(body.user, "user");
  if (user !== undefined) out.user = user;
  const sid = optStr(body.safety_identifier, "safety_identifier");
  if (sid !== undefined) out.safety_identifier = sid;
  return out;
}

function refuseUnsupported(b: Obj): void {
  const n = b.n;
  if (typeof n === "number" && n > 1)
    throw badRequest("n > 1 is not supported: Claude returns one choice per request; send n=1 or omit it", "n");
  if (b.logprobs === true) throw badRequest("logprobs are not available from Claude; omit 'logprobs'", "logprobs");
  if (typeof b.top_logprobs === "number" && b.top_logprobs > 0)
    throw badRequest("logprobs are not available from Claude; omit 'top_logprobs'", "top_logprobs");
  if (isObj(b.logit_bias) && Object.keys(b.logit_bias).length > 0)
    throw badRequest("logit_bias is not supported by Claude; omit it", "logit_bias");
  if (b.audio != null) throw badRequest("audio output is not supported by Claude; omit 'audio'", "audio");
  if (Array.isArray(b.modalities) && b.modalities.includes("audio"))
    throw badRequest("only text output is supported; remove \"audio\" from 'modalities'", "modalities");
  if (b.prediction != null) throw badRequest("predicted outputs are not supported by Claude; omit 'prediction'", "prediction");
  if (b.web_search_options != null)
    throw badRequest("web_search_options is not supported by this gateway; omit it", "web_search_options");
}

// --- messages ---

function parseStop(v: unknown): string | string[] | undefined {
  if (v == null) return undefined;
  if (typeof v === "string") return v;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw badRequest("'stop' must be a string or an array of strings", "stop");
  if (v.length > MAX_STOP_SEQUENCES) throw badRequest(`'stop' accepts at most ${MAX_STOP_SEQUENCES} sequences`, "stop");
  return v as string[];
}

function parseTools(b: Obj): FunctionTool[] | undefined {
  if (b.tools != null && b.functions != null)
    throw badRequest("send either 'tools' or the legacy 'functions', not both", "functions");
  const legacy = b.functions != null;
  const key = legacy ? "functions" : "tools";
  const v = b[key];
  if (v == null) return undefined;
  if (!Array.isArray(v)) throw badRequest(`'${key}' must be an array`, key);
  return v.map((t, i): FunctionTool => {
    const p = `${key}[${i}]`;
    if (!isObj(t)) throw badRequest(`${p} must be an object`, p);
    if (!legacy && t.type !== undefined && t.type !== "function")
      throw badRequest(`${p}.type ${describe(t.type)} is not supported; only "function" tools are`, `${p}.type`);
    const fp = legacy ? p : `${p}.function`;
    const f = legacy ? t : t.function;
    if (!isObj(f)) throw badRequest(`${fp} must be an object`, fp);
    const fn: FunctionTool["function"] = { name: reqStr(f.name, `${fp}.name`) };
    const desc = optStr(f.description, `${fp}.description`);
    if (desc !== undefined) fn.description = desc;
    if (f.parameters != null) {
      if (!isObj(f.parameters)) throw badRequest(`${fp}.parameters must be a JSON Schema object`, `${fp}.parameters`);
      fn.parameters = f.parameters;
    }
    const strict = optBool(f.strict, `${fp}.strict`);
    if (strict !== undefined) fn.strict = strict;
    const tool: FunctionTool = { type: "function", function: fn };
    const cc = parseCacheControl(t.cache_control, `${p}.cache_control`);
    if (cc) tool.cache_control = cc;
    return tool;
  });
}

/** tool_choice (or legacy function_call); `allowed_tools` narrows the tool list and becomes auto/required. */
function parseToolChoice(b: Obj, tools: FunctionTool[] | undefined): { choice?: ToolChoice; tools?: FunctionTool[] } {
  const key = b.tool_choice == null && b.function_call != null ? "function_call" : "tool_choice";
  const v = b[key];
  if (v == null) return { tools };
  if (v === "none" || v === "auto" || (v === "required" && key === "tool_choice")) return { choice: v, tools };
  const bad = () => badRequest(`'${key}' must be "none", "auto", "required" or {"type":"function","function":{"name":…}}`, key);
  if (!isObj(v)) throw bad();
  if (key === "function_call") return { choice: { type: "function", function: { name: reqStr(v.name, "function_call.name") } }, tools };
  if (v.type === "function") {
    if (!isObj(v.function)) throw badRequest("tool_choice.function must be an object", "tool_choice.function");
    return { choice: { type: "function", function: { name: reqStr(v.function.name, "tool_choice.function.name") } }, tools };
  }
  if (v.type !== "allowed_tools") throw bad();
  const at = v.allowed_tools;
  const ap = "tool_choice.allowed_tools";
  if (!isObj(at) || !Array.isArray(at.tools)) throw badRequest(`${ap} must be {mode, tools:[…]}`, ap);
  if (at.mode !== "auto" && at.mode !== "required") throw badRequest(`${ap}.mode must be "auto" or "required"`, `${ap}.mode`);
  const names = at.tools.map((t, k) => {
    const f = isObj(t) ? t.function : undefined;
    const name = isObj(f) ? f.name : undefined;
    if (typeof name !== "string" || !tools?.some((x) => x.function.name === name))
      throw badRequest(`${ap}.tools[${k}] must name a function listed in 'tools'`, `${ap}.tools[${k}].function.name`);
    return name;
  });
  return { choice: at.mode, tools: tools?.filter((t) => names.includes(t.function.name)) };
}

function parseResponseFormat(v: unknown): ResponseFormat | undefined {
  if (v == null) return undefined;
  if (!isObj(v)) throw badRequest("'response_format' must be an object", "response_format");
  if (v.type === "text" || v.type === "json_object") return { type: v.type };
  if (v.type !== "json_schema")
    throw badRequest("response_format.type must be text, json_object or json_schema", "response_format.type");
  const js = v.json_schema;
  const p = "response_format.json_schema";
  if (!isObj(js)) throw badRequest(`${p} must be an object`, p);
  const out: Extract<ResponseFormat, { type: "json_schema" }>["json_schema"] = {
    name: optStr(js.name, `${p}.name`) ?? "json_response",
  };
  const desc = optStr(js.description, `${p}.description`);
  if (desc !== undefined) out.description = desc;
  if (js.schema != null) {
    if (!isObj(js.schema)) throw badRequest(`${p}.schema must be a JSON Schema object`, `${p}.schema`);
    out.schema = js.schema;
  }
  const strict = optBool(js.strict, `${p}.strict`);
  if (strict !== undefined) out.strict = strict;
  return { type: "json_schema", json_schema: out };
}

function setNum<K extends "max_tokens" | "max_completion_tokens" | "temperature" | "top_p" | "top_k" | "n">(
  out: ChatCompletionRequest, key: K, v: number | undefined,
): void {
  if (v !== undefined) out[key] = v;
}
