/** Small readers for upstream content blocks, shared by the response and stream translators. */
import type { ThinkingBlockOut } from "../../wire/openai.ts";

/** Separator placed between the texts of two thinking blocks in `reasoning_content` (both paths). */
export const REASONING_SEPARATOR = "\n\n";

/** Compact JSON of a tool input; `{}` when the upstream sent nothing usable. */
export function toArguments(input: unknown): string {
  if (input === undefined || input === null) return "{}";
  try {
    return JSON.stringify(input) ?? "{}";
  } catch {
    // Unserialisable input (cannot happen for parsed JSON) must not become a 500.
    return "{}";
  }
}

/** True when a tool input carries something worth sending (a non-empty object, or any non-object value). */
export function hasInput(input: unknown): boolean {
  if (input === undefined || input === null) return false;
  if (typeof input === "object" && !Array.isArray(input)) return Object.keys(input).length > 0;
  return true;
}

/** A string field of an untyped block, or "" when absent or not a string. */
export function str(block: Record<string, unknown>, key: string): string {
  const v = block[key];
  return typeof v === "string" ? v : "";
}

/** The LiteLLM-compatible `thinking_blocks` entry for a thinking block (signature kept for round-trips). */
export function thinkingBlockOut(thinking: string, signature: string): ThinkingBlockOut {
  return { type: "thinking", thinking, signature };
}

/** The `thinking_blocks` entry for a redacted thinking block (opaque `data`, sent back verbatim). */
export function redactedBlockOut(data: string): ThinkingBlockOut {
  return { type: "redacted_thinking", data };
}
