/**
 * Live checks against Google, shared by `modelmux doctor` and `config validate --check-upstream`:
 * mint an access token, then send a 1-token request to each configured model. Results are checklist
 * rows with a fix; nothing here throws.
 */
import { createTokenSource } from "../auth/index.ts";
import type { TokenSource } from "../auth/types.ts";
import type { Config } from "../config/schema.ts";
import { UpstreamError } from "../errors.ts";
import { redactText } from "../observability/redact.ts";
import { createModelRouter } from "../providers/routing.ts";
import type { UpstreamTarget } from "../providers/types.ts";
import { createVertexProvider } from "../providers/vertex/index.ts";

export interface CheckRow {
  status: "ok" | "fail" | "warn" | "skip";
  label: string;
  detail: string;
  fix?: string;
}

const CHECK_TIMEOUT_MS = 30_000;

/** Builds the token source and mints one token. */
export async function checkToken(config: Config): Promise<{ row: CheckRow; tokens?: TokenSource }> {
  let tokens: TokenSource;
  try {
    tokens = createTokenSource(config.auth);
  } catch (e) {
    return { row: { status: "fail", label: "credentials", detail: describeError(e), fix: "fix [auth] (see `modelmux config validate`)" } };
  }
  const started = performance.now();
  try {
    await withTimeout(tokens.getToken(), CHECK_TIMEOUT_MS, "minting a token");
    const ms = Math.round(performance.now() - started);
    return { row: { status: "ok", label: "access token", detail: `minted in ${ms} ms via ${tokens.describe()}` }, tokens };
  } catch (e) {
    return {
      row: {
        status: "fail",
        label: "access token",
        detail: `${tokens.describe()}: ${describeError(e)}`,
        fix: config.auth.access_token
          ? "get a fresh token with `gcloud auth print-access-token`"
          : "check the key (is the service account or key deleted/disabled?), the clock, and network access to oauth2.googleapis.com; for ADC run `gcloud auth application-default login`",
      },
    };
  }
}

/** Every distinct upstream target: the default model and each [[vertex.models]] entry. */
export function configuredTargets(config: Config): UpstreamTarget[] {
  const router = createModelRouter(config);
  const seen = new Set<string>();
  const out: UpstreamTarget[] = [];
  for (const id of router.ids) {
    const t = router.resolve(id);
    const key = `${t.project}|${t.location}|${t.publisher}|${t.model}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

/** Sends `max_tokens: 1` to one target. */
export async function checkModel(config: Config, tokens: TokenSource, target: UpstreamTarget): Promise<CheckRow> {
  // One quick attempt: a check should report, not wait through retries.
  const quick: Config = { ...config, server: { ...config.server, enable_retries: false, request_timeout_ms: CHECK_TIMEOUT_MS } };
  const provider = createVertexProvider({ config: quick, tokens, userAgent: "modelmux-doctor" });
  const label = `model ${target.clientModel}`;
  const where = `${target.model} in ${target.project}/${target.location ?? target.region}`;
  const started = performance.now();
  try {
    const r = await provider.complete(
      { max_tokens: 1, messages: [{ role: "user", content: [{ type: "text", text: "ping" }] }] },
      { target, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS), requestId: `doctor-${Date.now()}` },
    );
    return { status: "ok", label, detail: `${where} answered in ${Math.round(performance.now() - started)} ms (HTTP ${r.upstreamStatus})` };
  } catch (e) {
    return { status: e instanceof UpstreamError && e.status === 429 ? "warn" : "fail", label, detail: `${where}: ${describeError(e)}`, fix: fixFor(e, target) };
  }
}

function fixFor(e: unknown, t: UpstreamTarget): string | undefined {
  if (!(e instanceof UpstreamError)) return undefined;
  if (e.kind === "http") {
    if (e.status === 401) return "the token was rejected: check the credentials (`modelmux doctor`)";
    if (e.status === 403) return `grant the service account roles/aiplatform.user on project ${t.project}, and enable the Vertex AI API`;
    if (e.status === 404) return `enable ${t.model} in Vertex AI Model Garden for ${t.project}, check the model id, or try region "global"`;
    if (e.status === 429) return "the model is reachable but the quota is exhausted right now; request more quota if this persists";
    if (e.status === 400) return "check the model id and vertex.anthropic_version";
  }
  if (e.kind === "network" || e.kind === "timeout") return "check network access to the Vertex endpoint (and vertex.base_url if set)";
  return undefined;
}

/** A short, secret-free description of an error (upstream bodies reduced to their message). */
export function describeError(e: unknown): string {
  if (e instanceof UpstreamError) {
    if (e.kind !== "http") return redactText(e.message);
    return `HTTP ${e.status}${upstreamMessage(e.body) ? `: ${upstreamMessage(e.body)}` : ""}`;
  }
  return redactText(e instanceof Error ? e.message : String(e)).slice(0, 400);
}

function upstreamMessage(body: string): string {
  try {
    let j: unknown = JSON.parse(body);
    if (Array.isArray(j)) j = j[0];
    const msg = (j as { error?: { message?: unknown } })?.error?.message;
    if (typeof msg === "string") return redactText(msg).slice(0, 300);
  } catch {
    // not JSON
  }
  return redactText(body.trim()).slice(0, 200);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
