/**
 * Streaming mode selection ([streaming] mode + client detection). Decides, per request, whether the
 * response is JSON or SSE and which SSE flavour:
 *  - never: always JSON;  always: always SSE (even when the client did not ask);
 *  - standard / buffered: SSE in that flavour when the client asked for a stream, else JSON;
 *  - auto (default): never turns a non-streaming request into a stream. For a streaming request, a client
 *    that accepts text/event-stream always gets SSE; otherwise the first User-Agent rule that matches (as a
 *    whole token, case-insensitive: "edge" never matches "knowledge") decides, and unmatched API clients get
 *    standard streaming. A rule of "never" for a client that accepts SSE still yields standard SSE.
 */
import type { StreamingConfig, StreamingRule } from "../config/schema.ts";

export type ResolvedMode = "json" | "standard" | "buffered";

export interface ModeInput {
  requested: boolean;
  accept: string | null;
  userAgent: string | null;
}

export interface ModeSelector {
  select(input: ModeInput): ResolvedMode;
}

interface CompiledRule {
  re: RegExp;
  mode: StreamingRule["mode"];
}

const CACHE_LIMIT = 512;

/** Compiles the rules once; results per User-Agent are memoised (bounded). */
export function createModeSelector(cfg: Pick<StreamingConfig, "mode" | "rules">): ModeSelector {
  const rules: CompiledRule[] = cfg.rules.map((r) => ({
    re: new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(r.pattern)}(?![A-Za-z0-9])`, "i"),
    mode: r.mode,
  }));
  const uaCache = new Map<string, StreamingRule["mode"] | null>();
  const ruleFor = (ua: string | null): StreamingRule["mode"] | null => {
    if (!ua) return null;
    const hit = uaCache.get(ua);
    if (hit !== undefined) return hit;
    const mode = rules.find((r) => r.re.test(ua))?.mode ?? null;
    if (uaCache.size >= CACHE_LIMIT) uaCache.clear();
    uaCache.set(ua, mode);
    return mode;
  };
  return {
    select({ requested, accept, userAgent }) {
      switch (cfg.mode) {
        case "never":
          return "json";
        case "always":
          return "standard";
        case "standard":
          return requested ? "standard" : "json";
        case "buffered":
          return requested ? "buffered" : "json";
        case "auto": {
          if (!requested) return "json";
          const rule = ruleFor(userAgent);
          if (accept?.includes("text/event-stream")) return rule === "buffered" ? "buffered" : "standard";
          if (rule === "never") return "json";
          if (rule === "buffered") return "buffered";
          return "standard";
        }
      }
    },
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
