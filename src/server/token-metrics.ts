/**
 * Counts Google access-token refreshes without touching the token sources: a TokenSource wrapper that
 * notices when `getToken()` hands out a different token than last time (a mint happened) or fails (a
 * mint failed). The cached path costs one string comparison and hands out the source's own promise.
 */
import type { TokenSource } from "../auth/types.ts";
import type { Metrics } from "./metrics.ts";

/** Wraps `tokens` so every successful/failed mint shows in `modelmux_token_refreshes_total`. */
export function instrumentTokenSource(tokens: TokenSource, metrics: Pick<Metrics, "tokenRefreshed">): TokenSource {
  let last: string | undefined;
  let failing: Promise<string> | undefined;
  const seen = (t: string) => {
    if (t !== last) {
      last = t;
      metrics.tokenRefreshed(true);
    }
    return t;
  };
  const wrapped: TokenSource = {
    getToken() {
      const p = tokens.getToken();
      // Hot path: a cached token is an already-fulfilled promise. It is checked at once and handed out
      // as is, so the caller can still take its value synchronously (Bun.peek) instead of waiting a
      // microtask and racing the abort signal for a `.then` promise that is always pending.
      if (Bun.peek.status(p) === "fulfilled") {
        seen(Bun.peek(p) as string);
        return p;
      }
      return p.then(
        seen,
        (e: unknown) => {
          // Concurrent callers share one failed mint (same promise): count it once.
          if (failing !== p) {
            failing = p;
            metrics.tokenRefreshed(false);
          }
          throw e;
        },
      );
    },
    invalidate: (t) => tokens.invalidate(t),
    describe: () => tokens.describe(),
  };
  if (tokens.extraHeaders) wrapped.extraHeaders = () => tokens.extraHeaders!();
  return wrapped;
}
