/**
 * Which extended-thinking request style a Vertex model wants when the config does not say:
 * Claude 4.6 and later take `thinking:{type:"adaptive"}` + `output_config.effort` (Opus 4.7+ accept only
 * that); older models take `thinking:{type:"enabled", budget_tokens}`. Override per model with
 * `thinking_style` in the config.
 */

/** Memo per model id (asked on every request; the answer never changes). */
const styles = new Map<string, "budget" | "adaptive">();

/** The style for a Vertex model id (memoised). */
export function defaultThinkingStyle(vertexModel: string): "budget" | "adaptive" {
  let style = styles.get(vertexModel);
  if (style === undefined) {
    style = detect(vertexModel);
    if (styles.size >= 256) styles.clear();
    styles.set(vertexModel, style);
  }
  return style;
}

function detect(vertexModel: string): "budget" | "adaptive" {
  const m = /claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d+))?/i.exec(vertexModel);
  if (!m) return "budget";
  const major = Number(m[1]);
  const minor = m[2] !== undefined && m[2].length <= 2 ? Number(m[2]) : 0;
  return major > 4 || (major === 4 && minor >= 6) ? "adaptive" : "budget";
}
