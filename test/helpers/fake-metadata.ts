/**
 * A fake GCE metadata server (protocol.md §G.3a) plus an oauth2.googleapis.com token stand-in.
 *
 *   const md = await startFakeMetadata({ expiresIn: 3599, projectId: "p" });
 *   process.env.GCE_METADATA_HOST = md.host;          // "127.0.0.1:PORT" — google-auth-library ADC finds it
 *   ... md.tokenRequests                                // metadata token fetches so far (tokens are tok-1, tok-2, …)
 *   await md.close();
 *
 * Every response carries `Metadata-Flavor: Google` (the library rejects responses without it).
 * Routes: GET /computeMetadata/v1/instance (availability ping, 200), …/project/project-id,
 * …/instance/service-accounts/default/token → {"access_token":"tok-N","expires_in":E,"token_type":"Bearer"},
 * …/service-accounts/default/email, …/universe/universe-domain.
 * Also POST /token (the OAuth2 JWT-bearer grant a service-account key uses; point a gaxios transporter
 * at it) → {"access_token":"sa-tok-N",...}; counted in `oauthTokenRequests`.
 * Tests that use ADC must also set GOOGLE_CLOUD_PROJECT, CLOUDSDK_CONFIG=<empty dir>, unset
 * GOOGLE_APPLICATION_CREDENTIALS, call gcpMetadata.resetIsAvailableCache(), and restore env afterwards
 * (see `useMetadataEnv`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gcpMetadata } from "google-auth-library";

export interface FakeMetadata {
  host: string;
  url: string;
  tokenRequests: number;
  oauthTokenRequests: number;
  requests: Array<{ method: string; path: string; flavor: string | null }>;
  /** Change the lifetime of tokens minted from now on. */
  expiresIn: number;
  /** When set, the token endpoints answer with this status (e.g. 500) instead of a token. */
  failWith?: number;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeMetadata(opts: { expiresIn?: number; projectId?: string } = {}): Promise<FakeMetadata> {
  const state: FakeMetadata = {
    host: "",
    url: "",
    tokenRequests: 0,
    oauthTokenRequests: 0,
    requests: [],
    expiresIn: opts.expiresIn ?? 3599,
    close: async () => {},
  };
  const projectId = opts.projectId ?? "test-project";
  const flavor = { "Metadata-Flavor": "Google" };
  const text = (body: string, status = 200) =>
    new Response(body, { status, headers: { ...flavor, "content-type": "application/text" } });
  const json = (body: unknown, status = 200) => Response.json(body, { status, headers: flavor });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const u = new URL(req.url);
      const path = u.pathname;
      state.requests.push({ method: req.method, path: path + u.search, flavor: req.headers.get("metadata-flavor") });
      if (req.method === "POST" && path === "/token") {
        await req.text();
        state.oauthTokenRequests++;
        if (state.failWith) return json({ error: "invalid_grant", error_description: "Invalid JWT Signature." }, state.failWith);
        return json({ access_token: `sa-tok-${state.oauthTokenRequests}`, expires_in: state.expiresIn, token_type: "Bearer" });
      }
      if (!path.startsWith("/computeMetadata/v1")) return text("not found", 404);
      const rest = path.slice("/computeMetadata/v1".length).replace(/\/$/, "");
      if (rest === "/instance" || rest === "") return text("instance");
      if (rest === "/project/project-id") return text(projectId);
      if (rest === "/project/numeric-project-id") return text("123456789");
      if (rest === "/universe/universe-domain") return text("googleapis.com");
      if (rest === "/instance/service-accounts/default/email") return text(`sa@${projectId}.iam.gserviceaccount.com`);
      if (rest === "/instance/service-accounts/default/token") {
        state.tokenRequests++;
        if (state.failWith) return text("metadata unavailable", state.failWith);
        return json({ access_token: `tok-${state.tokenRequests}`, expires_in: state.expiresIn, token_type: "Bearer" });
      }
      return text("not found", 404);
    },
  });
  state.host = `127.0.0.1:${server.port}`;
  state.url = `http://${state.host}`;
  state.close = async () => {
    await server.stop(true);
  };
  return state;
}

const ENV_KEYS = [
  "GCE_METADATA_HOST",
  "GCE_METADATA_IP",
  "GOOGLE_CLOUD_PROJECT",
  "GCLOUD_PROJECT",
  "CLOUDSDK_CONFIG",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "google_application_credentials",
  "GOOGLE_CLOUD_QUOTA_PROJECT",
  "METADATA_SERVER_DETECTION",
] as const;

/**
 * Points google-auth-library's ADC at `md` (or at nothing, with `md` undefined: detection off) and
 * returns a restore function that puts process.env back and clears the library's per-process cache.
 */
export function useMetadataEnv(md: FakeMetadata | undefined, projectId = "test-project"): () => void {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const dir = mkdtempSync(join(tmpdir(), "modelmux-gcloud-"));
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.GOOGLE_CLOUD_PROJECT = projectId;
  process.env.CLOUDSDK_CONFIG = dir;
  if (md) process.env.GCE_METADATA_HOST = md.host;
  else process.env.METADATA_SERVER_DETECTION = "none";
  gcpMetadata.resetIsAvailableCache();
  return () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    gcpMetadata.resetIsAvailableCache();
    rmSync(dir, { recursive: true, force: true });
  };
}
