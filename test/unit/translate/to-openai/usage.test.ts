import { describe, expect, test } from "bun:test";
import { mergeUsage, summarizeUsage, toCompletionUsage } from "../../../../src/translate/to-openai/usage.ts";

describe("usage", () => {
  test("prompt tokens include cache reads and writes; cached_tokens is the cache read", () => {
    expect(toCompletionUsage({ input_tokens: 5, output_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 })).toEqual({
      prompt_tokens: 125,
      completion_tokens: 3,
      total_tokens: 128,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
    });
  });

  test("reasoning_tokens only when the upstream reports thinking tokens", () => {
    expect(toCompletionUsage({ input_tokens: 1, output_tokens: 9, output_tokens_details: { thinking_tokens: 7 } }).completion_tokens_details).toEqual({ reasoning_tokens: 7 });
    expect(toCompletionUsage({ input_tokens: 1, output_tokens: 9 }).completion_tokens_details).toBeUndefined();
  });

  test("garbage counters count as zero", () => {
    expect(summarizeUsage({ input_tokens: -3, output_tokens: Number.NaN, cache_read_input_tokens: null } as never)).toEqual({ prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 });
    expect(summarizeUsage(undefined)).toEqual({ prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 });
  });

  test("later reports replace earlier fields; nulls and absent fields keep them", () => {
    const start = { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 50, cache_creation_input_tokens: 0 };
    expect(mergeUsage(start, { output_tokens: 30, cache_read_input_tokens: null })).toEqual({ ...start, output_tokens: 30 });
    expect(mergeUsage(start, { input_tokens: 12, cache_creation_input_tokens: 4 })).toEqual({ ...start, input_tokens: 12, cache_creation_input_tokens: 4 });
    expect(mergeUsage(start, null)).toBe(start);
  });
});
