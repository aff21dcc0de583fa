/**
 * Cross-key checks on the merged config: provider completeness, bind safety, credentials, model table,
 * and the softer warnings. Every problem names its key, the source of the value and a fix. File checks
 * use an injected `fs` so tests stay in temp dirs.
 */
import type { Config } from "./schema.ts";
import { envName, KEY_INDEX } from "./keys.ts";
import { type ConfigProblem, fixFor } from "./layers.ts";
import { checkServiceAccountFile, checkServiceAccountJson } from "./credentials.ts";

export interface ValidateContext {
  sources: Record<string, string>;
  platform: NodeJS.Platform;
}

/** Returns every problem found (errors and warnings); never throws. */
export function validateConfig(c: Config, ctx: ValidateContext): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const src = (key: string) => ctx.sources[key] ?? "unset";
  const err = (key: string, message: string, fix?: string) => out.push({ level: "error", key, source: src(key), message, fix: fix ?? fixFor(KEY_INDEX.get(key)!, src(key)) });
  const warn = (key: string, message: string, fix?: string) => out.push({ level: "warning", key, source: src(key), message, fix });

  checkVertex(c, src, err, warn);
  checkServer(c, err, warn);
  checkAuth(c, ctx, src, out, warn);
  return out;
}

type Report = (key: string, message: string, fix?: string) => void;

function checkVertex(c: Config, src: (k: string) => string, err: Report, warn: Report): void {
  const v = c.vertex;
  if (v.provider !== "vertex") return;
  const why = describeVertexTrigger(c, src);
  const hasDefault = v.model !== undefined;
  if (!hasDefault && v.models.length === 0) {
    err("vertex.model", `is required for the Vertex provider (${why})`, `set [vertex] model = "claude-sonnet-4-5@20250929" (or VERTEX_MODEL_ID), or remove the Vertex settings to run the demo provider`);
  }
  // Every target (the default model and each entry) needs a project and a region, inherited or its own.
  for (const k of ["project", "region"] as const) {
    const entriesMissing = v.models.filter((m) => !m[k] && !v[k]).map((m) => m.name);
    if (!v[k] && (hasDefault || entriesMissing.length > 0 || v.models.length === 0)) {
      const forWhat = entriesMissing.length && !hasDefault ? ` (needed by ${entriesMissing.join(", ")})` : ` (${why})`;
      err(`vertex.${k}`, `is required for the Vertex provider${forWhat}`, `set [vertex] ${k} = ${KEY_INDEX.get(`vertex.${k}`)!.example} (or ${k === "project" ? "VERTEX_PROJECT" : "VERTEX_REGION"}), or set vertex.provider = "mock" for the demo provider`);
    }
  }
  if (v.project && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(v.project) && !v.project.includes(":")) {
    warn("vertex.project", `"${v.project}" does not look like a Google Cloud project id (6–30 lowercase letters, digits, hyphens)`, "use the project id (not its display name or number) from `gcloud projects list`");
  }
  const seen = new Map<string, string>();
  for (const m of v.models) {
    const k = m.name.toLowerCase();
    if (seen.has(k)) err("vertex.models", `two [[vertex.models]] entries are named "${m.name}"`, "give every entry a unique name");
    seen.set(k, m.name);
  }
  if (v.base_url) {
    const u = new URL(v.base_url);
    if (u.protocol === "http:" && !isLoopback(u.hostname)) {
      warn("vertex.base_url", `plain http to a non-loopback host sends your Google access token unencrypted`, "use https://");
    }
  }
}

function describeVertexTrigger(c: Config, src: (k: string) => string): string {
  if (!src("vertex.provider").startsWith("default")) return `vertex.provider = "vertex" from ${src("vertex.provider")}`;
  const set = (["project", "region", "model"] as const).filter((k) => c.vertex[k] !== undefined).map((k) => `vertex.${k} from ${src(`vertex.${k}`)}`);
  return set.length ? `Vertex is selected because ${set.join(" and ")} ${set.length > 1 ? "are" : "is"} set` : "Vertex is selected because [[vertex.models]] is set";
}

function checkServer(c: Config, err: Report, warn: Report): void {
  const s = c.server;
  if (!isLoopback(s.host) && c.auth.api_keys.length === 0 && !s.allow_unauthenticated) {
    err(
      "server.host",
      `binding ${s.host} exposes the gateway (and your Google credentials' quota) to the network without API keys`,
      "bind 127.0.0.1, or add [[auth.api_keys]], or set server.allow_unauthenticated = true if something in front already authenticates",
    );
  }
  if (s.port !== 0 && s.port < 1024) warn("server.port", `port ${s.port} is privileged: binding it needs root or CAP_NET_BIND_SERVICE`, "use a port ≥ 1024 (e.g. 3000) behind a reverse proxy");
  if (s.max_retry_attempts > 10) warn("server.max_retry_attempts", `${s.max_retry_attempts} retries can hold a request for a long time`, "3–5 is usually enough");
  if (s.log_level === "trace") warn("server.log_level", "trace logging may write prompt and response content to the logs", "use debug or info in production");
  const names = new Set<string>();
  const models = new Set([c.vertex.model, ...c.vertex.models.map((m) => m.name)].filter(Boolean).map((m) => m!.toLowerCase()));
  for (const k of c.auth.api_keys) {
    if (names.has(k.name)) err("auth.api_keys", `two [[auth.api_keys]] entries are named "${k.name}"`, "give every key a unique name");
    names.add(k.name);
    for (const m of k.models ?? []) {
      const base = m.toLowerCase();
      const known = models.has(base) || (c.vertex.model && c.vertex.model.split("@")[0]!.toLowerCase() === base);
      if (!known && c.vertex.provider === "vertex") warn("auth.api_keys", `API key "${k.name}" allows model "${m}", which is not configured`, "check the spelling against `modelmux config show`");
    }
  }
}

function checkAuth(c: Config, ctx: ValidateContext, src: (k: string) => string, out: ConfigProblem[], warn: Report): void {
  const a = c.auth;
  const push = (key: string, r: { level: "error" | "warning"; message: string; fix?: string }) => out.push({ ...r, key, source: src(key) });
  if (a.service_account_json !== undefined) for (const r of checkServiceAccountJson(a.service_account_json)) push("auth.service_account_json", r);
  if (a.service_account_file !== undefined) for (const r of checkServiceAccountFile(a.service_account_file, ctx.platform)) push("auth.service_account_file", r);
  if (a.service_account_json !== undefined && a.service_account_file !== undefined) {
    warn("auth.service_account_file", "both service_account_json and service_account_file are set; the inline JSON is used", "remove one of them");
  }
  if (a.access_token !== undefined && (a.service_account_json !== undefined || a.service_account_file !== undefined)) {
    warn("auth.access_token", "access_token is set, so the service-account key is not used", "remove access_token to use the service account");
  }
  if (a.access_token !== undefined) warn("auth.access_token", "a fixed access token expires after about an hour and is not refreshed", "use a service-account key or Application Default Credentials for anything long-running");
  const none = a.access_token === undefined && a.service_account_json === undefined && a.service_account_file === undefined;
  if (none && c.vertex.provider === "vertex") {
    out.push({
      level: "warning",
      key: "auth",
      source: "unset",
      message: "no credentials configured: Application Default Credentials will be used (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, or the metadata server)",
      fix: `set [auth] service_account_file (or ${envName("auth.service_account_file")}) if ADC is not what you want; \`modelmux doctor\` checks that a token can be minted`,
    });
  }
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "0:0:0:0:0:0:0:1";
}
