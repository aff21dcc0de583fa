/**
 * The caching layer every refreshable TokenSource shares: one cached token, refreshed `refreshAheadMs`
 * before it expires, a single in-flight mint shared by concurrent callers, a mint timeout (so a hung
 * metadata server cannot wedge every request), and `invalidate` for tokens Vertex rejected.
 * Minting failures become UpstreamError("credentials") with an actionable message.
 */
import { UpstreamError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { TokenSource } from "./types.ts";

export interface MintedToken {
  token: string;
  /** Epoch ms when the token expires; undefined = unknown. */
  expiresAt?: number;
  /** Extra request headers that go with this token (e.g. x-goog-user-project). */
  headers?: Record<string, string>;
}

export interface CachedTokenSourceOptions {
  mint(): Promise<MintedToken>;
  /** Make the underlying library forget its own cached token (called by invalidate). */
  forget?(): void;
  describe(): string;
  /** Turns a minting failure into a message telling the operator what to do. */
  explain(err: unknown): string;
  /** Refresh this long before expiry (default 5 min, like google-auth-library). */
  refreshAheadMs?: number;
  /**
   * How long to trust a token whose expiry is unknown before asking the minter again (default 60 s);
   * the minter (google-auth-library) keeps its own cache, so asking again is cheap.
   */
  unknownExpiryTtlMs?: number;
  /** Give up on a mint after this long (default 30 s). */
  mintTimeoutMs?: number;
  now?: () => number;
  logger?: Logger;
}

export const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;
export const DEFAULT_MINT_TIMEOUT_MS = 30_000;

/** Wraps a minting function with caching, refresh-ahead, single-flight and invalidation. */
export function createCachedTokenSource(opts: CachedTokenSourceOptions): TokenSource {
  const now = opts.now ?? Date.now;
  const refreshAhead = opts.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
  const unknownTtl = opts.unknownExpiryTtlMs ?? 60_000;
  const mintTimeout = opts.mintTimeoutMs ?? DEFAULT_MINT_TIMEOUT_MS;
  let cached: { token: string; refreshAt: number; headers: Record<string, string> } | undefined;
  let inflight: Promise<string> | undefined;
  let lastHeaders: Record<string, string> = {};

  const mintOnce = async (): Promise<string> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${Math.round(mintTimeout / 1000)} s waiting for a token`)),
        mintTimeout,
      );
    });
    try {
      const m = await Promise.race([opts.mint(), timeout]);
      if (!m.token) throw new Error("the credentials produced an empty access token");
      const t = now();
      const refreshAt = m.expiresAt !== undefined ? m.expiresAt - refreshAhead : t + unknownTtl;
      lastHeaders = m.headers ?? {};
      cached = { token: m.token, refreshAt, headers: lastHeaders };
      opts.logger?.debug("access token minted", {
        source: opts.describe(),
        expires_in_s: m.expiresAt !== undefined ? Math.round((m.expiresAt - t) / 1000) : undefined,
      });
      return m.token;
    } catch (err) {
      const message = opts.explain(err);
      opts.logger?.warn("access token mint failed", { source: opts.describe(), error: message });
      throw new UpstreamError("credentials", 0, message, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    getToken(): Promise<string> {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inflight ??= mintOnce().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token: string): void {
      // Only drop the token that was rejected: concurrent 401s must not throw away a fresh one.
      if (cached?.token !== token) return;
      cached = undefined;
      opts.forget?.();
      opts.logger?.info("access token rejected by upstream; will mint a new one", { source: opts.describe() });
    },
    describe: () => opts.describe(),
    extraHeaders: () => ({ ...(cached?.headers ?? lastHeaders) }),
  };
}
