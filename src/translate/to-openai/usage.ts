/** Anthropic usage → OpenAI `CompletionUsage` (prompt tokens include both cache counters). */
import type { Usage } from "../../wire/anthropic.ts";
import type { CompletionUsage } from "../../wire/openai.ts";

/** Token counts as the gateway's metrics and access log want them. */
export interface UsageSummary {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

/** Usage as it accumulates over a stream; every field optional, nulls meaning "not reported". */
export type PartialUsage = Partial<Usage>;

function count(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** The three numbers behind every usage report (missing or malformed counters count as 0). */
export function summarizeUsage(u: PartialUsage | null | undefined): UsageSummary {
  const cacheRead = count(u?.cache_read_input_tokens);
  return {
    prompt_tokens: count(u?.input_tokens) + cacheRead + count(u?.cache_creation_input_tokens),
    completion_tokens: count(u?.output_tokens),
    cached_tokens: cacheRead,
  };
}

/**
 * OpenAI usage: `prompt_tokens = input + cache_read + cache_creation` (Anthropic's `input_tokens` excludes
 * both), `cached_tokens = cache_read`. `cache_write_tokens` appears only when the upstream wrote to the cache,
 * and `completion_tokens_details.reasoning_tokens` only when the upstream reports thinking tokens.
 */
export function toCompletionUsage(u: PartialUsage | null | undefined): CompletionUsage {
  const s = summarizeUsage(u);
  const cacheWrite = count(u?.cache_creation_input_tokens);
  const usage: CompletionUsage = {
    prompt_tokens: s.prompt_tokens,
    completion_tokens: s.completion_tokens,
    total_tokens: s.prompt_tokens + s.completion_tokens,
    prompt_tokens_details: cacheWrite > 0 ? { cached_tokens: s.cached_tokens, cache_write_tokens: cacheWrite } : { cached_tokens: s.cached_tokens },
  };
  const thinking = u?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") usage.completion_tokens_details = { reasoning_tokens: count(thinking) };
  return usage;
}

/**
 * Folds a later usage report into an earlier one. `message_delta` usage is cumulative, so a field it
 * reports replaces the earlier value; fields it leaves out (or sends as null) keep the `message_start` value.
 */
export function mergeUsage(base: PartialUsage, next: PartialUsage | null | undefined): PartialUsage {
  if (!next || typeof next !== "object") return base;
  const out: PartialUsage = { ...base };
  for (const key of ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] as const) {
    const v = next[key];
    if (typeof v === "number") out[key] = v;
  }
  if (next.output_tokens_details && typeof next.output_tokens_details === "object") {
    out.output_tokens_details = { ...base.output_tokens_details, ...next.output_tokens_details };
  }
  return out;
}
