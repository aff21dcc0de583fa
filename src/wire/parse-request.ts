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
import type {
  CacheControlParam, ChatCompletionRequest, ChatMessage, ContentPart, FunctionTool, ReasoningEffort,
  ResponseFormat, ThinkingBlockOut, ToolCall, ToolChoice,
} from "./openai.ts";

type Obj = Record<string, unknown>;

/** Most stop sequences accepted (OpenAI allows 4; Anthropic has no documented cap). */
export const MAX_STOP_SEQUENCES = 16;
const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;
const EFFORTS: readonly ReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
const USER_PARTS = ["text", "image_url", "input_audio", "file"];
const TOOL_PARTS = ["text", "image_url", "file"];

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

function parseMessages(v: unknown, max: number): ChatMessage[] {
  if (!Array.isArray(v)) throw badRequest("'messages' is required and must be an array of messages", "messages");
  if (v.length === 0) throw badRequest("'messages' must contain at least one message", "messages");
  if (v.length > max) throw badRequest(`too many messages: ${v.length} (this server accepts at most ${max})`, "messages");
  let legacyCallId: string | undefined; // id given to the last assistant `function_call`, for role "function"
  return v.map((raw, i) => {
    const p = `messages[${i}]`;
    if (!isObj(raw)) throw badRequest(`${p} must be an object`, p);
    const role = raw.role;
    if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role))
      throw badRequest(`${p}.role must be one of ${ROLES.join(", ")}; got ${describe(role)}`, `${p}.role`);
    const m: ChatMessage = { role: role as ChatMessage["role"] };
    const name = optStr(raw.name, `${p}.name`);
    if (name !== undefined) m.name = name;
    const cc = parseCacheControl(raw.cache_control, `${p}.cache_control`);
    if (cc) m.cache_control = cc;
    switch (role) {
      case "system":
      case "developer":
        m.content = parseContent(raw.content, `${p}.content`, ["text"], true);
        break;
      case "user":
        m.content = parseContent(raw.content, `${p}.content`, USER_PARTS, true);
        break;
      case "tool":
        m.tool_call_id = reqStr(raw.tool_call_id, `${p}.tool_call_id`);
        m.content = raw.content == null ? "" : parseContent(raw.content, `${p}.content`, TOOL_PARTS, true);
        break;
      case "function": {
        if (legacyCallId === undefined)
          throw badRequest(`${p}: a "function" message must follow an assistant message with function_call`, `${p}.role`);
        reqStr(raw.name, `${p}.name`);
        m.role = "tool";
        m.tool_call_id = legacyCallId;
        m.content = raw.content == null ? "" : parseContent(raw.content, `${p}.content`, ["text"], true);
        legacyCallId = undefined;
        break;
      }
      default: {
        legacyCallId = parseAssistant(raw, m, p);
      }
    }
    return m;
  });
}

/** Fills an assistant message; returns the synthetic id of a legacy `function_call`, if any. */
function parseAssistant(raw: Obj, m: ChatMessage, p: string): string | undefined {
  if (raw.content != null) m.content = parseContent(raw.content, `${p}.content`, ["text", "refusal"], false);
  const calls: ToolCall[] = [];
  if (raw.tool_calls != null) {
    if (!Array.isArray(raw.tool_calls)) throw badRequest(`${p}.tool_calls must be an array`, `${p}.tool_calls`);
    raw.tool_calls.forEach((tc, j) => calls.push(parseToolCall(tc, `${p}.tool_calls[${j}]`)));
  }
  let legacy: string | undefined;
  if (raw.function_call != null) {
    const fp = `${p}.function_call`;
    if (!isObj(raw.function_call)) throw badRequest(`${fp} must be an object`, fp);
    legacy = `call_fn_${p.replace(/\D/g, "")}`;
    calls.push({ id: legacy, type: "function", function: parseFunctionCall(raw.function_call, fp) });
  }
  if (calls.length > 0) m.tool_calls = calls;
  if (typeof raw.reasoning_content === "string") m.reasoning_content = raw.reasoning_content;
  if (raw.thinking_blocks != null) m.thinking_blocks = parseThinkingBlocks(raw.thinking_blocks, `${p}.thinking_blocks`);
  return legacy;
}

function parseToolCall(v: unknown, p: string): ToolCall {
  if (!isObj(v)) throw badRequest(`${p} must be an object`, p);
  if (v.type !== undefined && v.type !== "function")
    throw badRequest(`${p}.type must be "function"`, `${p}.type`);
  if (!isObj(v.function)) throw badRequest(`${p}.function must be an object`, `${p}.function`);
  return { id: reqStr(v.id, `${p}.id`), type: "function", function: parseFunctionCall(v.function, `${p}.function`) };
}

function parseFunctionCall(f: Obj, p: string): ToolCall["function"] {
  const name = reqStr(f.name, `${p}.name`);
  const a = f.arguments;
  // Non-standard but seen in the wild: arguments as an object instead of a JSON string.
  if (isObj(a)) return { name, arguments: JSON.stringify(a) };
  if (a != null && typeof a !== "string") throw badRequest(`${p}.arguments must be a JSON string`, `${p}.arguments`);
  return { name, arguments: a ?? "" };
}

function parseThinkingBlocks(v: unknown, p: string): ThinkingBlockOut[] {
  if (!Array.isArray(v)) throw badRequest(`${p} must be an array`, p);
  return v.map((b, k) => {
    const bp = `${p}[${k}]`;
    if (!isObj(b)) throw badRequest(`${bp} must be an object`, bp);
    if (b.type === "thinking") {
      const out: ThinkingBlockOut = { type: "thinking", thinking: optStr(b.thinking, `${bp}.thinking`) ?? "" };
      const sig = optStr(b.signature, `${bp}.signature`);
      if (sig !== undefined) out.signature = sig;
      return out;
    }
    if (b.type === "redacted_thinking") return { type: "redacted_thinking", data: reqStr(b.data, `${bp}.data`) };
    throw badRequest(`${bp}.type must be "thinking" or "redacted_thinking"`, `${bp}.type`);
  });
}

function parseContent(v: unknown, p: string, allowed: readonly string[], required: boolean): string | ContentPart[] {
  if (typeof v === "string") return v;
  if (v == null && !required) return "";
  if (!Array.isArray(v)) throw badRequest(`${p} must be a string or an array of content parts`, p);
  return v.map((part, j) => parsePart(part, `${p}[${j}]`, allowed));
}

function parsePart(v: unknown, p: string, allowed: readonly string[]): ContentPart {
  if (!isObj(v)) throw badRequest(`${p} must be an object`, p);
  const type = v.type;
  if (typeof type !== "string" || !allowed.includes(type))
    throw badRequest(`${p}.type ${describe(type)} is not allowed here; expected ${allowed.join(" or ")}`, `${p}.type`);
  const cc = parseCacheControl(v.cache_control, `${p}.cache_control`);
  const withCc = <T extends ContentPart>(part: T): T => (cc ? { ...part, cache_control: cc } : part);
  switch (type) {
    case "text":
      return withCc({ type: "text", text: reqStr(v.text, `${p}.text`, true) });
    case "refusal":
      return { type: "refusal", refusal: reqStr(v.refusal, `${p}.refusal`, true) };
    case "image_url": {
      const iu = typeof v.image_url === "string" ? { url: v.image_url } : v.image_url; // lenient: bare string
      if (!isObj(iu)) throw badRequest(`${p}.image_url must be an object with a url`, `${p}.image_url`);
      const image_url: { url: string; detail?: "auto" | "low" | "high" } = { url: reqStr(iu.url, `${p}.image_url.url`) };
      if (iu.detail != null) {
        if (iu.detail !== "auto" && iu.detail !== "low" && iu.detail !== "high")
          throw badRequest(`${p}.image_url.detail must be auto, low or high`, `${p}.image_url.detail`);
        image_url.detail = iu.detail;
      }
      return withCc({ type: "image_url", image_url });
    }
    case "input_audio": {
      const a = v.input_audio;
      if (!isObj(a)) throw badRequest(`${p}.input_audio must be an object`, `${p}.input_audio`);
      return { type: "input_audio", input_audio: { data: reqStr(a.data, `${p}.input_audio.data`, true), format: reqStr(a.format, `${p}.input_audio.format`) } };
    }
    default: {
      const f = v.file;
      if (!isObj(f)) throw badRequest(`${p}.file must be an object`, `${p}.file`);
      const file: { filename?: string; file_data?: string; file_id?: string } = {};
      for (const k of ["filename", "file_data", "file_id"] as const) {
        const s = optStr(f[k], `${p}.file.${k}`);
        if (s !== undefined) file[k] = s;
      }
      if (file.file_data === undefined && file.file_id === undefined)
        throw badRequest(`${p}.file needs file_data (or file_id)`, `${p}.file`);
      return withCc({ type: "file", file });
    }
  }
}

function parseCacheControl(v: unknown, p: string): CacheControlParam | undefined {
  if (v == null) return undefined;
  if (!isObj(v) || v.type !== "ephemeral") throw badRequest(`${p} must be {"type":"ephemeral"}`, p);
  if (v.ttl == null) return { type: "ephemeral" };
  if (v.ttl !== "5m" && v.ttl !== "1h") throw badRequest(`${p}.ttl must be "5m" or "1h"`, `${p}.ttl`);
  return { type: "ephemeral", ttl: v.ttl };
}

// --- sampling, tools, response format ---

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

// --- primitives ---

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return "(missing)";
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

function reqStr(v: unknown, p: string, allowEmpty = false): string {
  if (typeof v !== "string" || (!allowEmpty && v === "")) throw badRequest(`${p} must be a non-empty string`, p);
  return v;
}

function optStr(v: unknown, p: string): string | undefined {
  if (v == null) return undefined;
  if (typeof v !== "string") throw badRequest(`${p} must be a string`, p);
  return v;
}

function optBool(v: unknown, p: string): boolean | undefined {
  if (v == null) return undefined;
  if (typeof v !== "boolean") throw badRequest(`'${p}' must be a boolean`, p);
  return v;
}

function optNum(v: unknown, p: string, min: number, max: number, integer = false): number | undefined {
  if (v == null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw badRequest(`'${p}' must be ${integer ? "an integer" : "a number"}`, p);
  if (v < min || v > max) throw badRequest(`'${p}' must be between ${min} and ${max}; got ${v}`, p);
  return v;
}

function setNum<K extends "max_tokens" | "max_completion_tokens" | "temperature" | "top_p" | "top_k" | "n">(
  out: ChatCompletionRequest, key: K, v: number | undefined,
): void {
  if (v !== undefined) out[key] = v;
}
