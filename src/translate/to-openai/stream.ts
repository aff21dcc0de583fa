/**
 * Anthropic stream events → OpenAI `chat.completion.chunk`s (a pure state machine: no I/O, no clock).
 *
 * Shape of the output:
 * - one id (`chatcmpl-` + upstream message id), `created` and `model` for the whole stream;
 * - the first chunk is `{role:"assistant", content:""}` (sent at `message_start`, or before the first
 *   content if the upstream skipped it);
 * - text → `delta.content`; thinking → `delta.reasoning_content` (a blank line between two thinking blocks);
 * - each `tool_use` block → one tool call with its own `index` (0,1,2… counting tool calls); its first delta
 *   carries `id`, `type`, `function.name` and `arguments:""`, later ones only `{index, function:{arguments}}`;
 *   a call that streamed no argument text gets `"{}"` (or its start input) at `content_block_stop`, so
 *   every finished call's arguments parse;
 * - at the end of a thinking block, one `delta.thinking_blocks:[{type:"thinking",thinking,signature}]`;
 *   a redacted block gives `delta.thinking_blocks:[{type:"redacted_thinking",data}]` when it starts. These
 *   are what a client sends back (LiteLLM shape) for multi-turn tool use with thinking;
 * - exactly one chunk with a non-null `finish_reason`, at `message_stop` (or from `finish()` when the upstream
 *   ended after `message_delta` without `message_stop`);
 * - with `includeUsage`, `finish()` adds `{choices:[], usage}`; every other chunk has `usage:null`.
 * With `jsonTool`, the forced response_format tool's argument text streams as `delta.content`. Text blocks are
 * then held back: dropped once the JSON tool appears (as in the non-streaming translation, where the JSON
 * replaces any text), or sent just before the finish chunk when it never does (e.g. a refusal).
 */
import { HttpError } from "../../errors.ts";
import type { ContentDelta, ResponseContentBlock, StreamEvent } from "../../wire/anthropic.ts";
import { literalValue } from "../../wire/json-literal.ts";
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from "../../wire/openai.ts";
import { streamErrorToHttpError } from "../errors.ts";
import { toFinishReason } from "../reasons.ts";
import { EMPTY_DELTA, ROLE_DELTA } from "./chunk-json.ts";
import { hasInput, REASONING_SEPARATOR, redactedBlockOut, str, thinkingBlockOut, toArguments } from "./blocks.ts";
import type { ResponseContext } from "./response.ts";
import { mergeUsage, summarizeUsage, toCompletionUsage, type PartialUsage, type UsageSummary } from "./usage.ts";

/** Response context plus the client's `stream_options.include_usage`. */
export interface StreamContext extends ResponseContext {
  includeUsage: boolean;
}

/** Feed decoded upstream events in, get OpenAI chunks out. */
export interface StreamTranslator {
  /** Chunks for one upstream event; an upstream `{type:"error"}` event throws the mapped HttpError. */
  push(ev: StreamEvent): ChatCompletionChunk[];
  /** After the upstream ended: the finish chunk if still owed, then the usage chunk; throws if the stream was truncated. */
  finish(): ChatCompletionChunk[];
  /** A finish_reason chunk has been produced. */
  readonly done: boolean;
  /** Token counts so far (message_start usage folded with the cumulative message_delta usage). */
  usage(): UsageSummary;
  /**
   * Fast path for a text delta of content block `index` given as a raw JSON string literal: true when
   * push() would give exactly one plain `{content: <that text>}` chunk (index 0, no finish, the stream's
   * `id`/`created`/`model`) and change no state, so the caller writes that chunk itself; false when the
   * caller must push() the event instead (nothing happened).
   */
  rawText(index: number, literal: string): boolean;
  /**
   * The same for a tool call's argument piece (`input_json_delta` of block `index`): the call's OpenAI
   * `tool_calls` index when push() would give exactly one plain `{tool_calls:[{index, function:{arguments:
   * <that text>}}]}` chunk, marking the call as having streamed arguments as push() does; -1 when the caller
   * must push() the event instead (nothing happened): the JSON tool's text, an empty piece, no such call.
   */
  rawArgs(index: number, literal: string): number;
  /**
   * The same for a thinking piece (`thinking_delta` of block `index`): true when push() would give exactly
   * one plain `{reasoning_content: <that text>}` chunk, with the state changes push() makes (the block's
   * text for its closing thinking_blocks chunk); false (nothing happened) when the caller must push():
   * the first piece of a second thinking block (it carries a separator), an empty piece, another block kind.
   */
  rawThinking(index: number, literal: string): boolean;
  /** The chunks' `id` (final once the first chunk was produced). */
  readonly id: string;
}

type Block =
  | { kind: "text" }
  | { kind: "thinking"; text: string; signature: string; emitted: boolean }
  | { kind: "tool"; index: number; input: unknown; sentArgs: boolean }
  | { kind: "json"; input: unknown; sentArgs: boolean }
  | { kind: "other" };

interface State {
  id: string;
  started: boolean;
  done: boolean;
  finished: boolean;
  blocks: Map<number, Block>;
  nextToolIndex: number;
  reasoningSent: boolean;
  jsonSeen: boolean;
  /** Text held back in jsonTool mode until we know whether the JSON tool shows up. */
  heldText: string;
  stopReason: string | null | undefined;
  sawMessageDelta: boolean;
  usage: PartialUsage;
}

/** Creates the translator for one streamed response. */
export function createStreamTranslator(ctx: StreamContext): StreamTranslator {
  const s: State = {
    id: "chatcmpl-",
    started: false,
    done: false,
    finished: false,
    blocks: new Map(),
    nextToolIndex: 0,
    reasoningSent: false,
    jsonSeen: false,
    heldText: "",
    stopReason: undefined,
    sawMessageDelta: false,
    usage: {},
  };

  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    id: s.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });

  /** The role chunk, once, before anything else. */
  const start = (out: ChatCompletionChunk[]): ChatCompletionChunk[] => {
    if (!s.started) {
      s.started = true;
      out.unshift(chunk(ROLE_DELTA));
    }
    return out;
  };

  const finishChunk = (): ChatCompletionChunk[] => {
    s.done = true;
    const out: ChatCompletionChunk[] = [];
    if (s.heldText && !s.jsonSeen) out.push(chunk({ content: s.heldText }));
    s.heldText = "";
    out.push(chunk(EMPTY_DELTA, toFinishReason(s.stopReason, { jsonOnly: s.jsonSeen && s.nextToolIndex === 0 })));
    return start(out);
  };

  /** A text piece: streamed, or held back in jsonTool mode. */
  const text = (t: string): ChatCompletionChunk[] => {
    if (!t) return [];
    if (ctx.jsonTool === undefined) return [chunk({ content: t })];
    if (!s.jsonSeen) s.heldText += t;
    return [];
  };

  const onBlockStart = (index: number, cb: ResponseContentBlock): ChatCompletionChunk[] => {
    const b = (cb && typeof cb === "object" ? cb : { type: "" }) as Record<string, unknown>;
    switch (b.type) {
      case "text": {
        s.blocks.set(index, { kind: "text" });
        return text(str(b, "text"));
      }
      case "thinking": {
        const block = { kind: "thinking" as const, text: "", signature: str(b, "signature"), emitted: false };
        s.blocks.set(index, block);
        return thinkingText(block, str(b, "thinking"));
      }
      case "redacted_thinking":
        s.blocks.set(index, { kind: "other" });
        return [chunk({ thinking_blocks: [redactedBlockOut(str(b, "data"))] })];
      case "tool_use": {
        if (ctx.jsonTool !== undefined && b.name === ctx.jsonTool && !s.jsonSeen) {
          s.jsonSeen = true;
          s.heldText = "";
          s.blocks.set(index, { kind: "json", input: b.input, sentArgs: false });
          return [];
        }
        const toolIndex = s.nextToolIndex++;
        s.blocks.set(index, { kind: "tool", index: toolIndex, input: b.input, sentArgs: false });
        const call = { index: toolIndex, id: str(b, "id"), type: "function" as const, function: { name: str(b, "name"), arguments: "" } };
        return [chunk({ tool_calls: [call] })];
      }
      default:
        s.blocks.set(index, { kind: "other" });
        return [];
    }
  };

  const thinkingText = (block: Extract<Block, { kind: "thinking" }> | undefined, text: string): ChatCompletionChunk[] => {
    if (!text) return [];
    let piece = text;
    if (block) {
      if (!block.emitted && s.reasoningSent) piece = REASONING_SEPARATOR + text;
      block.emitted = true;
      block.text += text;
    }
    s.reasoningSent = true;
    return [chunk({ reasoning_content: piece })];
  };

  const onBlockDelta = (index: number, d: ContentDelta): ChatCompletionChunk[] => {
    const block = s.blocks.get(index);
    switch (d?.type) {
      case "text_delta":
        // Text for a block we know as something else is ignored; text with no announced block is kept.
        return (block === undefined || block.kind === "text") && typeof d.text === "string" ? text(d.text) : [];
      case "thinking_delta":
        if (block !== undefined && block.kind !== "thinking") return [];
        return thinkingText(block, typeof d.thinking === "string" ? d.thinking : "");
      case "signature_delta":
        if (block?.kind === "thinking" && typeof d.signature === "string") block.signature += d.signature;
        return [];
      case "input_json_delta": {
        const json = typeof d.partial_json === "string" ? d.partial_json : "";
        if (!json || (block?.kind !== "tool" && block?.kind !== "json")) return [];
        block.sentArgs = true;
        return block.kind === "json" ? [chunk({ content: json })] : [chunk({ tool_calls: [{ index: block.index, function: { arguments: json } }] })];
      }
      default:
        // citations_delta and future delta types carry nothing a Chat Completions client reads.
        return [];
    }
  };

  const onBlockStop = (index: number): ChatCompletionChunk[] => {
    const block = s.blocks.get(index);
    if (!block) return [];
    if (block.kind === "thinking") {
      return [chunk({ thinking_blocks: [thinkingBlockOut(block.text, block.signature)] })];
    }
    if ((block.kind === "tool" || block.kind === "json") && !block.sentArgs) {
      block.sentArgs = true;
      const args = hasInput(block.input) ? toArguments(block.input) : "{}";
      return block.kind === "json" ? [chunk({ content: args })] : [chunk({ tool_calls: [{ index: block.index, function: { arguments: args } }] })];
    }
    return [];
  };

  const handle = (ev: StreamEvent): ChatCompletionChunk[] => {
    switch (ev.type) {
      case "message_start": {
        const m = ev.message;
        if (!s.started && m && typeof m.id === "string") s.id = `chatcmpl-${m.id}`;
        s.usage = mergeUsage(s.usage, m?.usage);
        return [];
      }
      case "content_block_start":
        return onBlockStart(ev.index, ev.content_block);
      case "content_block_delta":
        return onBlockDelta(ev.index, ev.delta);
      case "content_block_stop":
        return onBlockStop(ev.index);
      case "message_delta":
        s.sawMessageDelta = true;
        if (ev.delta && ev.delta.stop_reason !== undefined) s.stopReason = ev.delta.stop_reason;
        s.usage = mergeUsage(s.usage, ev.usage);
        return [];
      case "message_stop":
        return finishChunk();
      case "error":
        throw streamErrorToHttpError(ev.error);
      default:
        // ping, vertex_event and event types added later produce nothing.
        return [];
    }
  };

  return {
    push(ev) {
      if (!ev || typeof ev !== "object") return [];
      // Nothing after the finish chunk can change the answer the client already has (not even an error).
      if (s.done) return [];
      const out = handle(ev);
      // message_start yields the role chunk; any content before it also gets one first.
      return ev.type === "message_start" || out.length > 0 ? start(out) : out;
    },
    finish() {
      if (s.finished) return [];
      const out: ChatCompletionChunk[] = [];
      if (!s.done) {
        if (!s.sawMessageDelta) {
          throw new HttpError(502, "the upstream stream ended before the response was complete", { type: "server_error", code: "upstream_stream_truncated" });
        }
        out.push(...finishChunk());
      }
      s.finished = true;
      if (ctx.includeUsage) out.push({ id: s.id, object: "chat.completion.chunk", created: ctx.created, model: ctx.model, choices: [], usage: toCompletionUsage(s.usage) });
      return out;
    },
    get done() {
      return s.done;
    },
    usage() {
      return summarizeUsage(s.usage);
    },
    rawText(index, literal) {
      // Not started (the role chunk is owed), done, jsonTool mode (text is held back), or empty text (no
      // chunk at all): the slow path.
      if (!s.started || s.done || ctx.jsonTool !== undefined || literal === '""') return false;
      const block = s.blocks.get(index);
      return block === undefined || block.kind === "text";
    },
    rawThinking(index, literal) {
      if (!s.started || s.done || literal === '""') return false;
      const block = s.blocks.get(index);
      if (block !== undefined) {
        if (block.kind !== "thinking" || (!block.emitted && s.reasoningSent)) return false;
        block.emitted = true;
        block.text += literalValue(literal);
      }
      s.reasoningSent = true;
      return true;
    },
    rawArgs(index, literal) {
      if (!s.started || s.done || literal === '""') return -1;
      const block = s.blocks.get(index);
      if (block?.kind !== "tool") return -1;
      block.sentArgs = true;
      return block.index;
    },
    get id() {
      return s.id;
    },
  };
}
