/**
 * Test-side accumulators:
 * - `accumulateChunks` folds OpenAI chunks into a `chat.completion` the way openai-node's ChatCompletionStream
 *   does (#accumulateChatCompletion + finalizeChatCompletion, v5–v7), including the errors it throws, so a
 *   stream the gateway emits is checked exactly as the official SDK would consume it. Extension fields
 *   follow the de-facto client convention instead of the SDK's overwrite: `reasoning_content` is appended
 *   and `thinking_blocks` arrays are concatenated.
 * - `accumulateMessage` folds Anthropic stream events into a `Message` the way the Anthropic SDK's
 *   MessageStream does, so a stream can be compared with the non-streaming translation of the same message.
 */
import type { ContentDelta, Message, StreamEvent } from "../../src/wire/anthropic.ts";
import type { ChatCompletion, ChatCompletionChunk, ResponseToolCall, ThinkingBlockOut } from "../../src/wire/openai.ts";

/** The SDK's MAX_STREAM_TOOL_CALLS (v7): tool call indexes must be safe ints in [0, 128). */
const MAX_TOOL_CALLS = 128;

interface ToolSnapshot {
  id?: string;
  type?: string;
  function?: { name: string; arguments: string };
}
interface ChoiceSnapshot {
  index: number;
  finish_reason: string | null;
  logprobs: null;
  message: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ToolSnapshot[];
    reasoning_content?: string;
    thinking_blocks?: ThinkingBlockOut[];
  };
}

/** openai-node-style accumulation; throws the SDK's messages on what the SDK rejects. */
export function accumulateChunks(chunks: ChatCompletionChunk[]): ChatCompletion {
  if (chunks.length === 0) throw new Error("request ended without sending any chunks");
  const first = chunks[0]!;
  const snapshot = { id: first.id, created: first.created, model: first.model, usage: first.usage, choices: [] as ChoiceSnapshot[] };
  const identities = new Map<number, { type?: string; name?: string }>();
  for (const chunk of chunks) {
    if (chunk.id) Object.assign(snapshot, { id: chunk.id, created: chunk.created, model: chunk.model, usage: chunk.usage });
    for (const c of chunk.choices) {
      if (!Number.isSafeInteger(c.index) || c.index < 0) throw new Error(`Chat completion stream contains an invalid choice index: ${c.index}`);
      const choice = (snapshot.choices[c.index] ??= { index: c.index, finish_reason: c.finish_reason ?? null, logprobs: null, message: {} });
      if (c.finish_reason) choice.finish_reason = c.finish_reason;
      const { content, refusal, role, tool_calls, reasoning_content, thinking_blocks, ...rest } = c.delta;
      if (Object.keys(rest).length > 0) Object.assign(choice.message, rest);
      if (refusal) choice.message.refusal = (choice.message.refusal || "") + refusal;
      if (role) choice.message.role = role;
      if (content != null) choice.message.content = (choice.message.content || "") + content;
      if (reasoning_content != null) choice.message.reasoning_content = (choice.message.reasoning_content ?? "") + reasoning_content;
      if (thinking_blocks) (choice.message.thinking_blocks ??= []).push(...thinking_blocks);
      for (const t of tool_calls ?? []) {
        if (!Number.isSafeInteger(t.index) || t.index < 0 || t.index >= MAX_TOOL_CALLS) {
          throw new Error(`Chat completion stream contains an invalid tool call index: ${t.index}`);
        }
        const calls = (choice.message.tool_calls ??= []);
        const call = (calls[t.index] ??= {});
        const known = identities.get(t.index);
        if (known && ((t.type !== undefined && t.type !== known.type) || (t.function?.name !== undefined && t.function.name !== known.name))) {
          throw new Error("Chat completion stream contains a changed tool call identity");
        }
        if (t.id) call.id = t.id;
        if (t.type) call.type = t.type;
        if (t.function) {
          call.function ??= { name: t.function.name ?? "", arguments: "" };
          if (t.function.name) call.function.name = t.function.name;
          if (t.function.arguments) call.function.arguments += t.function.arguments;
          if (!known) identities.set(t.index, { type: call.type, name: call.function.name });
        }
      }
    }
  }
  return finalize(snapshot);
}

function finalize(snapshot: { id: string; created: number; model: string; usage: ChatCompletionChunk["usage"]; choices: ChoiceSnapshot[] }): ChatCompletion {
  const choices = snapshot.choices.map((choice, index) => {
    if (!choice.finish_reason) throw new Error(`missing finish_reason for choice ${index}`);
    const { role, content = null, refusal, tool_calls, ...extra } = choice.message;
    if (!role) throw new Error(`missing role for choice ${index}`);
    const message: ChatCompletion["choices"][number]["message"] = { ...extra, role: role as "assistant", content, refusal: refusal ?? null };
    if (tool_calls) {
      message.tool_calls = tool_calls.map((t, i): ResponseToolCall => {
        if (!t.id) throw new Error(`missing choices[${index}].tool_calls[${i}].id`);
        if (t.type == null) throw new Error(`missing choices[${index}].tool_calls[${i}].type`);
        if (t.function?.name == null) throw new Error(`missing choices[${index}].tool_calls[${i}].function.name`);
        if (t.function.arguments == null) throw new Error(`missing choices[${index}].tool_calls[${i}].function.arguments`);
        return { id: t.id, type: t.type as "function", function: { name: t.function.name, arguments: t.function.arguments } };
      });
    }
    return { index, message, logprobs: null, finish_reason: choice.finish_reason as ChatCompletion["choices"][number]["finish_reason"] };
  });
  const out: ChatCompletion = { id: snapshot.id, object: "chat.completion", created: snapshot.created, model: snapshot.model, choices, usage: snapshot.usage! };
  if (snapshot.usage == null) delete (out as Partial<ChatCompletion>).usage;
  return out;
}

type MutableBlock = Record<string, unknown> & { type: string };

/**
 * Anthropic-SDK-style accumulation of stream events into a Message (tool input = JSON.parse of the joined
 * partial_json, `{}` when none; a block cut off mid-JSON keeps the raw text under `input` as a string).
 */
export function accumulateMessage(events: StreamEvent[]): Message {
  let msg: Message | undefined;
  const json = new Map<number, string>();
  for (const ev of events) {
    switch (ev.type) {
      case "message_start":
        msg = { ...ev.message, content: [] };
        break;
      case "content_block_start":
        if (!msg) throw new Error("Unexpected event order, got content_block_start before message_start");
        msg.content[ev.index] = { ...(ev.content_block as MutableBlock) };
        break;
      case "content_block_delta": {
        const block = msg?.content[ev.index] as MutableBlock | undefined;
        if (!block) throw new Error("delta for an unknown block");
        applyDelta(block, ev.delta, ev.index, json);
        break;
      }
      case "content_block_stop": {
        const block = msg?.content[ev.index] as MutableBlock | undefined;
        if (block?.type === "tool_use" && json.has(ev.index)) block.input = JSON.parse(json.get(ev.index) || "{}");
        json.delete(ev.index);
        break;
      }
      case "message_delta":
        if (!msg) throw new Error("message_delta before message_start");
        msg.stop_reason = ev.delta.stop_reason;
        msg.stop_sequence = ev.delta.stop_sequence ?? null;
        for (const [k, v] of Object.entries(ev.usage ?? {})) if (v != null) (msg.usage as unknown as Record<string, unknown>)[k] = v;
        break;
      default:
        break;
    }
  }
  if (!msg) throw new Error("no message_start");
  for (const [index, raw] of json) {
    const block = msg.content[index] as MutableBlock | undefined;
    if (block) block.input = raw;
  }
  return msg;
}

function applyDelta(block: MutableBlock, d: ContentDelta, index: number, json: Map<number, string>): void {
  switch (d.type) {
    case "text_delta":
      block.text = String(block.text ?? "") + d.text;
      break;
    case "thinking_delta":
      block.thinking = String(block.thinking ?? "") + d.thinking;
      break;
    case "signature_delta":
      block.signature = d.signature;
      break;
    case "input_json_delta":
      json.set(index, (json.get(index) ?? "") + d.partial_json);
      break;
    default:
      break;
  }
}
