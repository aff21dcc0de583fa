/** Anthropic `Message` → OpenAI `chat.completion` (pure). */
import type { Message } from "../../wire/anthropic.ts";
import type { ChatCompletion, ResponseToolCall, ThinkingBlockOut } from "../../wire/openai.ts";
import { toFinishReason } from "../reasons.ts";
import { REASONING_SEPARATOR, redactedBlockOut, str, thinkingBlockOut, toArguments } from "./blocks.ts";
import { toCompletionUsage } from "./usage.ts";

/** What the translation needs besides the message: the name to echo, the clock, and the response_format tool. */
export interface ResponseContext {
  /** The model name to report (the client's own spelling). */
  model: string;
  /** Unix seconds. */
  created: number;
  /** forced tool standing for response_format */
  jsonTool?: string;
}

/**
 * Translates a complete upstream message. Text blocks are joined with "" (they are pieces of one answer);
 * thinking texts are joined with a blank line into `reasoning_content` and kept with their signatures in
 * `thinking_blocks`; `tool_use` blocks become `tool_calls`; unknown block types are ignored. With
 * `ctx.jsonTool`, that tool's input becomes `content` and replaces any preamble text, and the call is not
 * reported as a tool call.
 */
export function toChatCompletion(msg: Message, ctx: ResponseContext): ChatCompletion {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlockOut[] = [];
  const toolCalls: ResponseToolCall[] = [];
  let jsonContent: string | undefined;

  for (const raw of Array.isArray(msg.content) ? msg.content : []) {
    if (!raw || typeof raw !== "object") continue;
    const block = raw as Record<string, unknown>;
    switch (block.type) {
      case "text":
        texts.push(str(block, "text"));
        break;
      case "thinking":
        reasoning.push(str(block, "thinking"));
        thinkingBlocks.push(thinkingBlockOut(str(block, "thinking"), str(block, "signature")));
        break;
      case "redacted_thinking":
        thinkingBlocks.push(redactedBlockOut(str(block, "data")));
        break;
      case "tool_use":
        if (ctx.jsonTool !== undefined && block.name === ctx.jsonTool && jsonContent === undefined) {
          jsonContent = toArguments(block.input);
        } else {
          const fn = { name: str(block, "name"), arguments: toArguments(block.input) };
          toolCalls.push({ id: str(block, "id"), type: "function", function: fn });
        }
        break;
      default:
        // server_tool_use, web_search_tool_result, future types: nothing a Chat Completions client can use.
        break;
    }
  }

  const text = texts.join("");
  const message: ChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: jsonContent ?? (texts.length > 0 && text !== "" ? text : null),
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const reasoningText = reasoning.filter((r) => r !== "").join(REASONING_SEPARATOR);
  if (reasoningText !== "") message.reasoning_content = reasoningText;
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;

  return {
    id: `chatcmpl-${typeof msg.id === "string" ? msg.id : ""}`,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: toFinishReason(msg.stop_reason, { jsonOnly: jsonContent !== undefined && toolCalls.length === 0 }),
      },
    ],
    usage: toCompletionUsage(msg.usage),
  };
}
