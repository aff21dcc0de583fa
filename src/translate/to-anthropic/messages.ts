/**
 * OpenAI `messages` → Anthropic `system` + `messages` (pure). The rules, in order:
 * - `system` / `developer` messages, wherever they appear, become top-level `system` text blocks (in order,
 *   cache_control kept); they are never pasted into a user turn.
 * - `tool` messages become `tool_result` blocks in a user turn; consecutive same-role turns are merged and
 *   every user turn lists its `tool_result` blocks first (so tool results plus any user text that follows
 *   form ONE user turn).
 * - A tool result must answer a call of the latest assistant turn: an id that matches an older call, or no
 *   call at all, or that was already answered → 400 naming `messages[i].tool_call_id`.
 * - A call left unanswered gets a synthetic `tool_result` with `is_error: true` and the text
 *   "no result was provided", so Claude sees every `tool_use` paired (it would 400 otherwise).
 * - Tool-call ids are made to match ^[a-zA-Z0-9_-]+$ and to be unique per request (clients that reuse
 *   "call_0" every turn exist); results are rewritten through the same map.
 * - Empty messages vanish; if the conversation does not start with a user turn, a user turn "." is put
 *   first (Claude requires it; "." is the least suggestive filler, as LiteLLM does).
 * - A final assistant turn (a prefill) loses trailing whitespace, which Anthropic rejects.
 */
import { badRequest } from "../../errors.ts";
import type { MessageParam, RequestContentBlock, TextBlock, ToolResultBlock } from "../../wire/anthropic.ts";
import type { ChatMessage, ContentPart } from "../../wire/openai.ts";
import { cacheControl, type MediaBlock, textBlocks, toMediaBlocks } from "./content.ts";

/** Text of the synthetic result for a tool call the client never answered. */
export const MISSING_RESULT_TEXT = "no result was provided";
/** Content of a tool result that came back empty (Anthropic rejects empty tool_result content). */
export const EMPTY_RESULT_TEXT = "(no output)";
/** Filler user turn put first when a conversation starts with the assistant. */
export const LEADING_USER_TEXT = ".";

export interface ConvertedMessages {
  system: TextBlock[];
  messages: MessageParam[];
}

export interface MessageOptions {
  /** Echo signed thinking / redacted_thinking blocks of assistant messages (only when thinking is on). */
  keepThinking: boolean;
}

/** Converts the conversation; throws HttpError 400 naming the offending message field. */
export function toMessages(input: ChatMessage[], opts: MessageOptions): ConvertedMessages {
  const system: TextBlock[] = [];
  const turns: MessageParam[] = [];
  const ids = new ToolIds();
  input.forEach((m, i) => {
    const p = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer":
        system.push(...withMessageCache(systemBlocks(m.content, p), m));
        return;
      case "user":
        push(turns, "user", withMessageCache(mediaBlocks(m.content, p), m));
        return;
      case "tool":
        push(turns, "user", withMessageCache([toolResult(m, p, ids)], m));
        return;
      case "assistant": {
        if (turns.at(-1)?.role !== "assistant") ids.newTurn();
        push(turns, "assistant", withMessageCache(assistantBlocks(m, p, ids, opts), m));
        return;
      }
      default:
        throw badRequest(`${p}.role ${JSON.stringify(m.role)} is not supported`, `${p}.role`);
    }
  });
  for (const t of turns) if (t.role === "user") t.content = toolResultsFirst(t.content);
  const messages = pairToolCalls(turns);
  if (messages[0]?.role !== "user") messages.unshift({ role: "user", content: [{ type: "text", text: LEADING_USER_TEXT }] });
  trimFinalAssistant(messages);
  return { system, messages };
}

function push(turns: MessageParam[], role: "user" | "assistant", blocks: RequestContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/**
 * A user or tool message's blocks (`p`: the message's path). Hot path: plain text needs no param path,
 * which is built only for content parts (a part can fail validation).
 */
function mediaBlocks(content: string | ContentPart[] | null | undefined, p: string): MediaBlock[] {
  return typeof content === "string" ? textBlocks(content) : toMediaBlocks(content, `${p}.content`);
}

/** A system message's text blocks (`p`: the message's path). */
function systemBlocks(content: string | ContentPart[] | null | undefined, p: string): TextBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return textBlocks(content);
  return content.flatMap((part, j) => {
    if (part.type !== "text") throw badRequest("system messages may contain only text parts", `${p}.content[${j}].type`);
    return textBlocks(part.text, part.cache_control);
  });
}

/** A message-level cache_control marks the message's last block. */
function withMessageCache<T extends RequestContentBlock>(blocks: T[], m: ChatMessage): T[] {
  const last = blocks.at(-1);
  if (!m.cache_control || !last) return blocks;
  return [...blocks.slice(0, -1), { ...last, cache_control: cacheControl(m.cache_control) }];
}

function assistantBlocks(m: ChatMessage, p: string, ids: ToolIds, opts: MessageOptions): RequestContentBlock[] {
  const out: RequestContentBlock[] = [];
  if (opts.keepThinking) {
    // Unsigned thinking (plain reasoning_content, or a block without signature) cannot be verified upstream: dropped.
    for (const b of m.thinking_blocks ?? []) {
      if (b.type === "thinking" && b.signature) out.push({ type: "thinking", thinking: b.thinking ?? "", signature: b.signature });
      else if (b.type === "redacted_thinking" && b.data) out.push({ type: "redacted_thinking", data: b.data });
    }
  }
  if (typeof m.content === "string") out.push(...textBlocks(m.content));
  else if (Array.isArray(m.content)) {
    m.content.forEach((part, j) => {
      if (part.type === "text") out.push(...textBlocks(part.text, part.cache_control));
      else if (part.type === "refusal") out.push(...textBlocks(part.refusal));
      else throw badRequest("assistant messages may contain only text parts", `${p}.content[${j}].type`);
    });
  }
  (m.tool_calls ?? []).forEach((tc, j) => {
    const tp = `${p}.tool_calls[${j}]`;
    out.push({ type: "tool_use", id: ids.call(tc.id, `${tp}.id`), name: tc.function.name, input: parseArguments(tc.function.arguments, `${tp}.function.arguments`) });
  });
  return out;
}

function parseArguments(args: string, p: string): unknown {
  if (args.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(args);
  } catch {
    throw badRequest("tool call arguments are not valid JSON", p);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw badRequest("tool call arguments must be a JSON object", p);
  return v;
}

function toolResult(m: ChatMessage, p: string, ids: ToolIds): ToolResultBlock {
  const tool_use_id = ids.result(m.tool_call_id ?? "", `${p}.tool_call_id`);
  const blocks = mediaBlocks(m.content, p);
  let content: ToolResultBlock["content"];
  if (blocks.length === 0) content = EMPTY_RESULT_TEXT;
  else if (blocks.length === 1 && blocks[0]?.type === "text" && !blocks[0].cache_control) content = blocks[0].text;
  else content = blocks;
  return { type: "tool_result", tool_use_id, content };
}

function toolResultsFirst(blocks: RequestContentBlock[]): RequestContentBlock[] {
  // Already in order (the usual case: no tool results, or only leading ones): the same array.
  let other = false;
  let misplaced = false;
  for (const b of blocks) {
    if (b.type !== "tool_result") other = true;
    else if (other) misplaced = true;
  }
  if (!misplaced) return blocks;
  return [...blocks.filter((b) => b.type === "tool_result"), ...blocks.filter((b) => b.type !== "tool_result")];
}

/** Makes sure every assistant tool_use is answered in the very next user turn. */
function pairToolCalls(turns: MessageParam[]): MessageParam[] {
  const out: MessageParam[] = [];
  turns.forEach((turn, k) => {
    out.push(turn);
    if (turn.role !== "assistant" || !turn.content.some((b) => b.type === "tool_use")) return;
    const calls = turn.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
    let next = turns[k + 1];
    const answered = new Set(next?.content.flatMap((b) => (b.type === "tool_result" ? [b.tool_use_id] : [])));
    const missing: ToolResultBlock[] = calls
      .filter((id) => !answered.has(id))
      .map((id) => ({ type: "tool_result", tool_use_id: id, content: MISSING_RESULT_TEXT, is_error: true }));
    if (missing.length === 0) return;
    if (next?.role === "user") next.content = toolResultsFirst([...next.content, ...missing]);
    else out.push((next = { role: "user", content: missing }));
  });
  return out;
}

function trimFinalAssistant(messages: MessageParam[]): void {
  const last = messages.at(-1);
  if (last?.role !== "assistant") return;
  const block = last.content.at(-1);
  if (block?.type !== "text") return;
  const text = block.text.trimEnd();
  if (text === "") last.content.pop();
  else last.content[last.content.length - 1] = { ...block, text };
  if (last.content.length === 0) messages.pop();
}

/**
 * Tool-call id bookkeeping: sanitises ids to ^[a-zA-Z0-9_-]+$, keeps them unique across the request, and
 * resolves each tool result against the calls of the latest assistant turn.
 */
class ToolIds {
  private used = new Set<string>();
  private current = new Map<string, string>();
  private answered = new Set<string>();
  private older = new Set<string>();

  newTurn(): void {
    if (this.current.size === 0 && this.answered.size === 0) return; // nothing to carry over
    for (const id of this.current.keys()) this.older.add(id);
    this.current = new Map();
    this.answered = new Set();
  }

  call(id: string, p: string): string {
    if (this.current.has(id)) throw badRequest(`duplicate tool call id ${JSON.stringify(id)}`, p);
    const base = id.replace(/[^a-zA-Z0-9_-]/g, "_") || "call";
    let out = base;
    for (let n = 2; this.used.has(out); n++) out = `${base}_${n}`;
    this.used.add(out);
    this.current.set(id, out);
    return out;
  }

  result(id: string, p: string): string {
    const mapped = this.current.get(id);
    if (mapped === undefined) {
      const why = this.older.has(id)
        ? "does not directly follow the assistant message that made the call"
        : "matches no tool call of a preceding assistant message";
      throw badRequest(`tool result for ${JSON.stringify(id)} ${why}`, p);
    }
    if (this.answered.has(id)) throw badRequest(`tool call ${JSON.stringify(id)} already has a result`, p);
    this.answered.add(id);
    return mapped;
  }
}
