/**
 * The string a JSON string literal (quotes included, known to be valid) stands for: without escapes its
 * inside, else JSON.parse of the (small) literal. Used where the stream's fast paths keep an upstream
 * literal as is but also need its value.
 */
export function literalValue(literal: string): string {
  return literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
