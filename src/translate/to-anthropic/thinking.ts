/**
 * reasoning_effort → extended thinking and max_tokens (pure).
 *
 * Style "budget" (Claude ≤ 4.5): `thinking: {type: "enabled", budget_tokens}` from THINKING_BUDGETS. Anthropic
 * needs 1024 ≤ budget < max_tokens, and max_tokens counts thinking too (as OpenAI's max_completion_tokens
 * counts reasoning tokens), so:
 * - client gave a max: budget = min(table, max / 2), at least 1024; a max ≤ 1024 leaves no room → 400 naming
 *   the max param the client used;
 * - client gave no max: max_tokens = max(defaultMaxTokens, budget + THINKING_ANSWER_TOKENS), so the answer
 *   still has room after the thinking.
 * Style "adaptive" (Claude 4.6+): `thinking: {type: "adaptive"}` + `output_config.effort` (minimal → low; the
 * other levels pass through); max_tokens is the client's or the default.
 * `none` or no reasoning_effort → no thinking.
 */
import { badRequest } from "../../errors.ts";
import type { ThinkingConfig } from "../../wire/anthropic.ts";
import type { ReasoningEffort } from "../../wire/openai.ts";

/** budget_tokens per reasoning_effort (style "budget"). `max` stays well under the 64k output cap of Sonnet/Haiku 4.x. */
export const THINKING_BUDGETS: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16_384,
  xhigh: 32_768,
  max: 49_152,
};
/** Anthropic's minimum budget_tokens. */
export const MIN_THINKING_BUDGET = 1024;
/** Room left for the visible answer when we pick max_tokens ourselves. */
export const THINKING_ANSWER_TOKENS = 8192;

export interface ThinkingPlan {
  max_tokens: number;
  thinking?: ThinkingConfig;
  /** output_config.effort (adaptive style). */
  effort?: string;
}

/** Decides thinking and max_tokens; `effort` undefined or "none" means no thinking. */
export function planThinking(
  effort: ReasoningEffort | undefined,
  style: "budget" | "adaptive",
  clientMax: { value?: number; param: string },
  defaultMaxTokens: number,
): ThinkingPlan {
  const max = clientMax.value ?? defaultMaxTokens;
  if (effort === undefined || effort === "none") return { max_tokens: max };
  if (style === "adaptive") return { max_tokens: max, thinking: { type: "adaptive" }, effort: effort === "minimal" ? "low" : effort };
  const table = THINKING_BUDGETS[effort];
  if (clientMax.value === undefined) {
    return { max_tokens: Math.max(defaultMaxTokens, table + THINKING_ANSWER_TOKENS), thinking: { type: "enabled", budget_tokens: table } };
  }
  if (clientMax.value <= MIN_THINKING_BUDGET) {
    throw badRequest(
      `${clientMax.param} must be greater than ${MIN_THINKING_BUDGET} with reasoning_effort (Claude's smallest thinking budget is ${MIN_THINKING_BUDGET} tokens and counts toward the maximum)`,
      clientMax.param,
    );
  }
  const budget = Math.max(MIN_THINKING_BUDGET, Math.min(table, Math.floor(clientMax.value / 2)));
  return { max_tokens: clientMax.value, thinking: { type: "enabled", budget_tokens: budget } };
}
