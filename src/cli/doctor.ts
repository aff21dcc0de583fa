/**
 * `modelmux doctor`: a readable checklist — config valid? which credentials? token mintable? port free?
 * each model reachable (a 1-token request)? Every failed row carries a fix. Exit 1 when any row fails.
 */
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ConfigInspection, inspectConfig } from "../config/index.ts";
import type { Config } from "../config/schema.ts";
import { isLoopback } from "../config/validate.ts";
import { formatRows } from "./config/validate.ts";
import { c, formatProblems, say } from "./output.ts";
import { assertKnownFlags, configArgs, guard, loadOptionsFrom } from "./shared-args.ts";
import type { CheckRow } from "./upstream-check.ts";

const args = {
  ...configArgs,
  offline: { type: "boolean", description: "Skip the checks that talk to Google (token, model)" },
  json: { type: "boolean", description: "Machine-readable output" },
} as const;

export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check credentials, token, port and model reachability" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "doctor"));
    const r = inspectConfig(loadOptionsFrom(a));
    const rows: CheckRow[] = [];
    const emit = (row: CheckRow) => {
      rows.push(row);
      if (!a.json) say(...formatRows([row]));
    };
    if (!a.json) say(c.bold("modelmux doctor"), "");
    emit(configRow(r));
    const cfg = r.config;
    const vertexErrors = r.problems.some((p) => p.level === "error" && (p.key.startsWith("vertex.") || p.key.startsWith("auth")));
    if (cfg.vertex.provider === "mock") {
      emit({ status: "warn", label: "provider", detail: `mock — the built-in demo answers instead of Claude (${r.sources["vertex.provider"]})`, fix: "set vertex.project, vertex.region and vertex.model (or run `modelmux config init`)" });
    } else {
      emit({ status: "ok", label: "provider", detail: `vertex — project ${cfg.vertex.project ?? "?"}, region ${cfg.vertex.region ?? "?"}` });
      emit(credentialsRow(cfg));
    }
    emit(await portRow(cfg));
    if (cfg.vertex.provider === "vertex") {
      if (a.offline) emit({ status: "skip", label: "token and models", detail: "skipped (--offline)" });
      else if (vertexErrors) emit({ status: "skip", label: "token and models", detail: "skipped: fix the configuration errors first" });
      else {
        const { checkToken, checkModel, configuredTargets } = await import("./upstream-check.ts");
        const token = await checkToken(cfg);
        emit(token.row);
        if (token.tokens) for (const t of configuredTargets(cfg)) emit(await checkModel(cfg, token.tokens, t));
      }
    }
    const failed = rows.some((x) => x.status === "fail");
    if (a.json) say(JSON.stringify({ ok: !failed, checks: rows, problems: r.problems }, null, 2));
    else {
      const errs = r.problems.filter((p) => p.level === "error");
      if (errs.length) say("", c.bold("Configuration errors:"), ...formatProblems(errs));
      say("", failed ? `${c.red("✗")} some checks failed` : `${c.green("✓")} all checks passed`);
    }
    if (failed) process.exitCode = 1;
  },
});

function configRow(r: ConfigInspection): CheckRow {
  const loaded = r.files.filter((f) => f.status === "loaded").map((f) => f.path);
  const errors = r.problems.filter((p) => p.level === "error");
  const warnings = r.problems.length - errors.length;
  const files = loaded.length ? loaded.join(", ") : "no files (defaults and environment only)";
  if (errors.length) return { status: "fail", label: "config", detail: `${errors.length} error(s) — ${files}`, fix: "run `modelmux config validate` for details and fixes" };
  return { status: warnings ? "warn" : "ok", label: "config", detail: `valid${warnings ? ` with ${warnings} warning(s)` : ""} — ${files}`, fix: warnings ? "see `modelmux config validate`" : undefined };
}

/** Which credentials the token source will use (same precedence as src/auth). */
function credentialsRow(cfg: Config): CheckRow {
  const a = cfg.auth;
  if (a.access_token) return { status: "ok", label: "credentials", detail: "auth.access_token (a fixed token; expires after about an hour)" };
  if (a.service_account_json) return { status: "ok", label: "credentials", detail: "auth.service_account_json (inline key)" };
  if (a.service_account_file) {
    return existsSync(a.service_account_file)
      ? { status: "ok", label: "credentials", detail: `key file ${a.service_account_file}` }
      : { status: "fail", label: "credentials", detail: `key file ${a.service_account_file} does not exist`, fix: `gcloud iam service-accounts keys create ${a.service_account_file} --iam-account=NAME@PROJECT.iam.gserviceaccount.com` };
  }
  const env = process.env;
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    const f = env.GOOGLE_APPLICATION_CREDENTIALS;
    return existsSync(f)
      ? { status: "ok", label: "credentials", detail: `Application Default Credentials from GOOGLE_APPLICATION_CREDENTIALS=${f}` }
      : { status: "fail", label: "credentials", detail: `GOOGLE_APPLICATION_CREDENTIALS=${f} does not exist`, fix: "point it at a credentials file or unset it" };
  }
  const gcloudDir = env.CLOUDSDK_CONFIG ?? (env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  const adcFile = gcloudDir ? join(gcloudDir, "application_default_credentials.json") : undefined;
  if (adcFile && existsSync(adcFile)) return { status: "ok", label: "credentials", detail: `Application Default Credentials from ${adcFile}` };
  return {
    status: "warn",
    label: "credentials",
    detail: "none configured and no ADC file found; only the GCE/Cloud Run metadata server could provide a token",
    fix: "run `gcloud auth application-default login`, or set [auth] service_account_file",
  };
}

async function portRow(cfg: Config): Promise<CheckRow> {
  const { host, port } = cfg.server;
  const label = `port ${host}:${port}`;
  if (port === 0) return { status: "skip", label, detail: "port 0: a free port is picked at start" };
  try {
    const l = Bun.listen({ hostname: host, port, socket: { data() {} } });
    l.stop(true);
    return { status: "ok", label, detail: "free" };
  } catch (e) {
    const msg = (e as Error).message;
    if (/in use|EADDRINUSE/i.test(msg) || (e as { code?: string }).code === "EADDRINUSE") {
      const who = await whoListens(host, port);
      return who
        ? { status: "warn", label, detail: `in use by a running ${who}`, fix: "stop it first, or start this one with another --port" }
        : { status: "fail", label, detail: "in use by another program", fix: `find it with \`lsof -i :${port}\`, or use another port (--port / MODELMUX_SERVER_PORT)` };
    }
    return { status: "fail", label, detail: msg, fix: port < 1024 ? "use a port ≥ 1024" : "use an address of this machine (127.0.0.1 or 0.0.0.0)" };
  }
}

/** "modelmux 0.1.0" when a modelmux answers /health there. */
async function whoListens(host: string, port: number): Promise<string | undefined> {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  if (!isLoopback(h)) return undefined;
  try {
    const res = await fetch(`http://${h.includes(":") ? `[${h}]` : h}:${port}/health`, { signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === "string" ? `modelmux ${body.version}` : undefined;
  } catch {
    return undefined;
  }
}
