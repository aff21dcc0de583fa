/**
 * Request validation of the fake Vertex upstream: the checks Vertex/Anthropic apply to a rawPredict
 * body, each returning the `invalid_request_error` message Vertex would send (protocol.md §A.3, §H.3).
 * Returns undefined when the body is acceptable.
 */

export const ANTHROPIC_VERSIONS = ["vertex-2023-10-16", "2026-10-21"];
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const KNOWN_FIELDS = new Set([
  "anthropic_version", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k",
  "metadata", "stream", "tools", "tool_choice", "thinking", "output_config", "service_tier", "container",
  "context_management", "mcp_servers",
]);
const BLOCK_TYPES = new Set(["text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking", "search_result"]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** Validates a :rawPredict / :streamRawPredict body; `strict` also rejects unknown fields and block types. */
export function validateBody(body: unknown, opts: { strict?: boolean } = {}): string | undefined {
  if (!isObj(body)) return "Request body must be a JSON object";
  if ("model" in body) return "model: Extra inputs are not permitted";
  if (body.anthropic_version === undefined) return "anthropic_version: Field required";
  if (!ANTHROPIC_VERSIONS.includes(String(body.anthropic_version))) {
    return `anthropic_version: Input should be ${ANTHROPIC_VERSIONS.map((v) => `'${v}'`).join(" or ")}`;
  }
  if (opts.strict) {
    for (const k of Object.keys(body)) if (!KNOWN_FIELDS.has(k)) return `${k}: Extra inputs are not permitted`;
  }
  if (body.anthropic_version === "2026-10-21") {
    for (const k of ["temperature", "top_p", "top_k"]) if (k in body) return `${k}: Extra inputs are not permitted`;
  }
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return "max_tokens: Input should be a valid integer greater than or equal to 1";
  const sys = checkSystem(body.system);
  if (sys) return sys;
  const tools = checkTools(body.tools);
  if (tools) return tools;
  const thinking = body.thinking;
  if (isObj(thinking) && thinking.type === "enabled") {
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget) || (budget as number) < 1024) return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
    if ((budget as number) >= (body.max_tokens as number)) return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
  }
  return checkMessages(body.messages, !!opts.strict);
}

function checkSystem(system: unknown): string | undefined {
  if (system === undefined || typeof system === "string") return undefined;
  if (!Array.isArray(system)) return "system: Input should be a valid list";
  for (let i = 0; i < system.length; i++) {
    const b = system[i];
    if (!isObj(b) || b.type !== "text") return `system.${i}.type: Input should be 'text'`;
    if (typeof b.text !== "string" || b.text === "") return "system: text content blocks must be non-empty";
  }
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "tools: Input should be a valid list";
  const seen = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    if (!isObj(t)) return `tools.${i}: Input should be a valid dictionary`;
    if (typeof t.name !== "string" || !TOOL_NAME.test(t.name)) return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (seen.has(t.name)) return "tools: Tool names must be unique.";
    seen.add(t.name);
    if (!isObj(t.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
  }
  return undefined;
}

function checkMessages(messages: unknown, strict: boolean): string | undefined {
  if (messages === undefined) return "messages: Field required";
  if (!Array.isArray(messages)) return "messages: Input should be a valid list";
  if (messages.length === 0) return "messages: at least one message is required";
  let prevRole: string | undefined;
  let pendingToolUse: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isObj(m)) return `messages.${i}: Input should be a valid dictionary`;
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && m.role !== "user") return 'messages: first message must use the "user" role';
    if (m.role === prevRole) return `messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`;
    prevRole = m.role;
    const blocks: unknown[] = typeof m.content === "string" ? [{ type: "text", text: m.content }] : Array.isArray(m.content) ? m.content : [];
    if (!Array.isArray(m.content) && typeof m.content !== "string") return `messages.${i}.content: Input should be a valid list`;
    const isFinalAssistant = m.role === "assistant" && i === messages.length - 1;
    if (blocks.length === 0 && !isFinalAssistant) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    const results: string[] = [];
    let seenOther = false;
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j];
      const at = `messages.${i}.content.${j}`;
      if (!isObj(b) || typeof b.type !== "string") return `${at}: Input should be a valid dictionary`;
      if (strict && !BLOCK_TYPES.has(b.type)) return `${at}.type: Input tag '${b.type}' found using 'type' does not match any of the expected tags`;
      const err = checkBlock(b, at);
      if (err) return err;
      if (b.type === "tool_result") {
        if (m.role !== "user") return `${at}: tool_result blocks are only allowed in user messages`;
        if (seenOther) return `messages.${i}: \`tool_result\` blocks must come first in the user message, before any other content`;
        results.push(String(b.tool_use_id));
      } else seenOther = true;
      if (b.type === "tool_use" && m.role !== "assistant") return `${at}: tool_use blocks are only allowed in assistant messages`;
    }
    if (m.role === "user") {
      const unknown = results.filter((id) => !pendingToolUse.includes(id));
      if (unknown.length) {
        return `${`messages.${i}.content.0`}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unknown.join(", ")}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      const missing = pendingToolUse.filter((id) => !results.includes(id));
      if (missing.length) {
        return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      pendingToolUse = [];
    } else {
      pendingToolUse = blocks.filter((b): b is Obj => isObj(b) && b.type === "tool_use").map((b) => String(b.id));
    }
  }
  return undefined;
}

function checkBlock(b: Obj, at: string): string | undefined {
  switch (b.type) {
    case "text":
      if (typeof b.text !== "string") return `${at}.text.text: Field required`;
      if (b.text === "") return "messages: text content blocks must be non-empty";
      return undefined;
    case "image":
    case "document":
      return checkSource(b, at);
    case "tool_use":
      if (typeof b.id !== "string" || !b.id) return `${at}.tool_use.id: Field required`;
      if (typeof b.name !== "string" || !TOOL_NAME.test(b.name)) return `${at}.tool_use.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (!isObj(b.input)) return `${at}.tool_use.input: Input should be a valid dictionary`;
      return undefined;
    case "tool_result": {
      if (typeof b.tool_use_id !== "string") return `${at}.tool_result.tool_use_id: Field required`;
      if (Array.isArray(b.content)) {
        for (let k = 0; k < b.content.length; k++) {
          const inner = b.content[k];
          if (!isObj(inner)) return `${at}.tool_result.content.${k}: Input should be a valid dictionary`;
          const err = checkBlock(inner, `${at}.tool_result.content.${k}`);
          if (err) return err;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function checkSource(b: Obj, at: string): string | undefined {
  const src = b.source;
  if (!isObj(src)) return `${at}.${b.type}.source: Field required`;
  if (src.type === "url") return `${at}.${b.type}.source.base64.data: URL sources are not supported`;
  if (src.type === "base64") {
    if (b.type === "image" && !IMAGE_TYPES.includes(String(src.media_type))) {
      return `${at}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
    }
    if (typeof src.data !== "string" || src.data === "") return `${at}.${b.type}.source.base64.data: Field required`;
  }
  return undefined;
}
