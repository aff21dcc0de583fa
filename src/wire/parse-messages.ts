/** Inbound edge, messages[]: validates each message into a clean ChatMessage (400s name e.g. `messages[2].role`). */
import { badRequest } from "../errors.ts";
import type { CacheControlParam, ChatMessage, ContentPart, ThinkingBlockOut, ToolCall } from "./openai.ts";
import { isObj, describe, reqStr, optStr, type Obj } from "./parse-values.ts";

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;
const USER_PARTS = ["text", "image_url", "input_audio", "file"];
const TOOL_PARTS = ["text", "image_url", "file"];

/** messages[]: roles, content parts, tool calls, thinking blocks; legacy role `function` → tool. */
export function parseMessages(v: unknown, max: number): ChatMessage[] {
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
    // Hot path: a field's path (for the 400) is built only when there is something to check.
    if (raw.name != null) m.name = optStr(raw.name, `${p}.name`);
    if (raw.cache_control != null) m.cache_control = parseCacheControl(raw.cache_control, `${p}.cache_control`);
    switch (role) {
      case "system":
      case "developer":
        m.content = parseContent(raw.content, p, ["text"], true);
        break;
      case "user":
        m.content = parseContent(raw.content, p, USER_PARTS, true);
        break;
      case "tool":
        m.tool_call_id = reqStr(raw.tool_call_id, `${p}.tool_call_id`);
        m.content = raw.content == null ? "" : parseContent(raw.content, p, TOOL_PARTS, true);
        break;
      case "function": {
        if (legacyCallId === undefined)
          throw badRequest(`${p}: a "function" message must follow an assistant message with function_call`, `${p}.role`);
        reqStr(raw.name, `${p}.name`);
        m.role = "tool";
        m.tool_call_id = legacyCallId;
        m.content = raw.content == null ? "" : parseContent(raw.content, p, ["text"], true);
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
  if (raw.content != null) m.content = parseContent(raw.content, p, ["text", "refusal"], false);
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

/** A message's `content` (`mp`: the message's path; the content's own is built only when needed). */
function parseContent(v: unknown, mp: string, allowed: readonly string[], required: boolean): string | ContentPart[] {
  if (typeof v === "string") return v;
  if (v == null && !required) return "";
  const p = `${mp}.content`;
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

/** A `cache_control` marker ({type:"ephemeral", ttl?}). */
export function parseCacheControl(v: unknown, p: string): CacheControlParam | undefined {
  if (v == null) return undefined;
  if (!isObj(v) || v.type !== "ephemeral") throw badRequest(`${p} must be {"type":"ephemeral"}`, p);
  if (v.ttl == null) return { type: "ephemeral" };
  if (v.ttl !== "5m" && v.ttl !== "1h") throw badRequest(`${p}.ttl must be "5m" or "1h"`, `${p}.ttl`);
  return { type: "ephemeral", ttl: v.ttl };
}

// --- sampling, tools, response format ---
