/**
 * Stream deltas kept as the upstream's raw JSON string literals (quotes included, already checked valid):
 * the stream's fast paths write such a literal into the client's frame as is, and build an event from it
 * only when the plain path needs one.
 */
import type { StreamEvent } from "./anthropic.ts";

/** The delta kinds with a one-string payload that the fast paths carry as literals. */
export type LiteralDeltaKind = "text" | "args" | "thinking";

/** The string a literal stands for: without escapes its inside, else JSON.parse of the (small) literal. */
export function literalValue(literal: string): string {
  return literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

/** The `content_block_delta` event a literal delta stands for; `delta.json` keeps the literal (internal). */
export function literalDeltaEvent(kind: LiteralDeltaKind, index: number, literal: string): StreamEvent {
  const value = literalValue(literal);
  const delta =
    kind === "text"
      ? { type: "text_delta" as const, text: value, json: literal }
      : kind === "args"
        ? { type: "input_json_delta" as const, partial_json: value, json: literal }
        : { type: "thinking_delta" as const, thinking: value, json: literal };
  return { type: "content_block_delta", index, delta };
}
