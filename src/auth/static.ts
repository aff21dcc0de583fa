/**
 * A fixed bearer token (`auth.access_token`, e.g. from `gcloud auth print-access-token`) for quick
 * trials. It cannot be refreshed: when Vertex rejects it we log what to do and keep returning it,
 * so the client sees Vertex's own 401.
 */
import { UpstreamError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { TokenSource } from "./types.ts";

/** A TokenSource that always returns `token` (a pasted `Bearer ` prefix is stripped). */
export function createStaticTokenSource(token: string, deps: { logger?: Logger } = {}): TokenSource {
  const value = token.trim().replace(/^Bearer(\s+|$)/i, "");
  if (!value) throw new UpstreamError("credentials", 0, "auth.access_token is empty");
  let warned = false;
  return {
    getToken: () => Promise.resolve(value),
    invalidate(rejected: string) {
      if (rejected !== value || warned) return;
      warned = true;
      deps.logger?.warn(
        "Vertex rejected auth.access_token (static tokens from `gcloud auth print-access-token` expire after about an hour); " +
          "set a fresh token, or use auth.service_account_file / Application Default Credentials, which refresh automatically",
      );
    },
    describe: () => "static access token (auth.access_token)",
    extraHeaders: () => ({}),
  };
}
