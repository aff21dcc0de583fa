/** Anthropic `stop_reason` → OpenAI `finish_reason` (shared by the response and stream translators). */
import type { StopReason } from "../wire/anthropic.ts";
import type { FinishReason } from "../wire/openai.ts";

/** The gateway convention (protocol.md §F.2); a missing key is a compile error. */
export const FINISH_REASONS = {
  end_turn: "stop",
  stop_sequence: "stop",
  // A long-running server-tool turn paused; the client resends to continue. "stop" is the closest honest value.
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
} as const satisfies Record<StopReason, FinishReason>;

/**
 * Maps an upstream stop reason to an OpenAI finish reason. Null or unknown reasons (newer upstream values)
 * become "stop", never a leaked Anthropic string. When the only tool called was the forced JSON tool standing
 * for `response_format` (`jsonOnly`), `tool_use` becomes "stop": the client asked for content, not a call.
 */
export function toFinishReason(reason: string | null | undefined, opts: { jsonOnly?: boolean } = {}): FinishReason {
  if (reason == null || !Object.hasOwn(FINISH_REASONS, reason)) return "stop";
  const mapped = FINISH_REASONS[reason as StopReason];
  return mapped === "tool_calls" && opts.jsonOnly ? "stop" : mapped;
}
