/**
 * OpenAI chat completion request → Anthropic Messages request (pure). Never sets `model`,
 * `anthropic_version` or `stream`: the provider adds those.
 *
 * Decisions (see the sibling files for messages, content, tools and thinking):
 * - temperature: the parser allows OpenAI's 0–2; values above 1 are clamped to 1 (Claude's maximum).
 * - temperature + top_p: newer Claude models refuse both together, so top_p is dropped when temperature is set.
 * - With thinking on, Anthropic refuses temperature/top_k changes and top_p below 0.95: those are dropped.
 *   Forced tool_choice (required / named) and response_format json cannot work with thinking → 400.
 * - Thinking is switched off for a request whose last assistant turn called tools without a signed thinking
 *   block (clients that do not echo `thinking_blocks`): Anthropic would refuse it, and this keeps such
 *   clients working at the cost of thinking for that turn.
 * - response_format json_schema / json_object → an extra tool (returned as `jsonTool`) with
 *   disable_parallel_tool_use. tool_choice forces it, except: client tools with tool_choice auto/required/absent
 *   → "any" (call one of them, or answer via the JSON tool); a named client tool stays forced.
 * - stop → stop_sequences without whitespace-only entries; user / safety_identifier → metadata.user_id,
 *   hashed when it looks like an e-mail address or phone number (Anthropic asks for opaque ids) or is long.
 */
import { badRequest } from "../../errors.ts";
import type { MessageParam, MessagesRequest, Tool, ToolChoice } from "../../wire/anthropic.ts";
import type { ChatCompletionRequest } from "../../wire/openai.ts";
import { toMessages } from "./messages.ts";
import { planThinking } from "./thinking.ts";
import { PLACEHOLDER_TOOL, toJsonTool, toToolChoice, toTools } from "./tools.ts";

export interface RequestTranslateOptions {
  defaultMaxTokens: number;
  thinkingStyle: "budget" | "adaptive";
}
export interface TranslatedRequest {
  body: MessagesRequest;
  /** name of the forced tool standing for response_format */
  jsonTool?: string;
}

/** Builds the Anthropic request body; throws HttpError 400 naming the param for untranslatable input. */
export function toMessagesRequest(req: ChatCompletionRequest, opts: RequestTranslateOptions): TranslatedRequest {
  const effort = req.reasoning_effort ?? undefined;
  let thinking = effort !== undefined && effort !== "none";
  let conv = toMessages(req.messages, { keepThinking: thinking });
  if (thinking && toolLoopLacksThinking(conv.messages)) {
    thinking = false;
    conv = toMessages(req.messages, { keepThinking: false });
  }
  const maxParam = req.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
  const clientMax = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const plan = planThinking(thinking ? effort : undefined, opts.thinkingStyle, { value: clientMax, param: maxParam }, opts.defaultMaxTokens);

  const body: MessagesRequest = { max_tokens: plan.max_tokens, messages: conv.messages };
  if (conv.system.length > 0) body.system = conv.system;
  if (plan.thinking) body.thinking = plan.thinking;
  if (plan.effort) body.output_config = { effort: plan.effort };

  const jsonTool = applyTools(body, req, thinking);
  applySampling(body, req, thinking);
  if (req.stop != null) {
    const stops = [...new Set(typeof req.stop === "string" ? [req.stop] : req.stop)].filter((s) => s.trim() !== "");
    if (stops.length > 0) body.stop_sequences = stops;
  }
  const uid = req.safety_identifier ?? req.user;
  if (uid !== undefined && uid.trim() !== "") body.metadata = { user_id: opaqueUserId(uid) };
  return jsonTool === undefined ? { body } : { body, jsonTool };
}

/** Sets tools and tool_choice; returns the response_format tool name, if any. */
function applyTools(body: MessagesRequest, req: ChatCompletionRequest, thinking: boolean): string | undefined {
  const clientTools = toTools(req.tools);
  const names = clientTools.map((t) => t.name);
  let choice = toToolChoice(req.tool_choice, req.parallel_tool_calls, names);
  if (thinking && (choice?.type === "any" || choice?.type === "tool")) {
    throw badRequest(
      "tool_choice \"required\" or a named function cannot be combined with reasoning_effort: Claude's extended thinking allows only tool_choice \"auto\" or \"none\"",
      "tool_choice",
    );
  }
  const json = toJsonTool(req.response_format, names);
  if (json && thinking) {
    throw badRequest(
      "response_format json_schema/json_object cannot be combined with reasoning_effort on Claude (it is implemented with a forced tool, which extended thinking does not allow); drop one of them",
      "response_format",
    );
  }
  let tools: Tool[] = clientTools;
  if (json) {
    tools = [...clientTools, json];
    choice = jsonToolChoice(choice, json.name, clientTools.length > 0, req.parallel_tool_calls);
  }
  if (tools.length === 0 && hasToolBlocks(body.messages)) {
    tools = [PLACEHOLDER_TOOL];
    choice = { type: "none" };
  }
  if (tools.length > 0) body.tools = tools;
  if (choice) body.tool_choice = choice;
  return json?.name;
}

function jsonToolChoice(choice: ToolChoice | undefined, name: string, clientTools: boolean, parallel?: boolean): ToolChoice {
  if (choice?.type === "tool") return choice;
  if (clientTools && choice?.type !== "none") return parallel === false ? { type: "any", disable_parallel_tool_use: true } : { type: "any" };
  return { type: "tool", name, disable_parallel_tool_use: true };
}

function applySampling(body: MessagesRequest, req: ChatCompletionRequest, thinking: boolean): void {
  if (thinking) {
    if (req.top_p != null && req.top_p >= 0.95) body.top_p = req.top_p;
    return;
  }
  if (req.temperature != null) body.temperature = Math.min(req.temperature, 1);
  else if (req.top_p != null) body.top_p = req.top_p;
  if (req.top_k != null) body.top_k = req.top_k;
}

/** True when the last assistant turn calls tools but does not start with a thinking block. */
function toolLoopLacksThinking(messages: MessageParam[]): boolean {
  const last = messages.findLast((m) => m.role === "assistant");
  if (!last || !last.content.some((b) => b.type === "tool_use")) return false;
  const first = last.content[0]?.type;
  return first !== "thinking" && first !== "redacted_thinking";
}

function hasToolBlocks(messages: MessageParam[]): boolean {
  return messages.some((m) => m.content.some((b) => b.type === "tool_use" || b.type === "tool_result"));
}

/** Anthropic wants an opaque id: personal-looking or over-long values are replaced by a stable hash. */
function opaqueUserId(id: string): string {
  const personal = /\S+@\S+\.\S+/.test(id) || /^\+?[\d\s().-]{7,}$/.test(id);
  if (!personal && id.length <= 256) return id;
  // node:crypto on first use only (≈ 6 MB of RSS that a gateway whose clients send no such ids never pays).
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return `sha256:${createHash("sha256").update(id).digest("hex")}`;
}
