/**
 * `modelmux config init`: asks for everything the server needs — provider, Vertex project, region,
 * model, credentials, bind address/port (with an API key when not loopback), log level, streaming mode —
 * and writes a commented TOML file with mode 0600 (directory 0700). Defaults come from the current
 * config and gcloud's active project. `--yes` answers from flags and defaults without asking; an existing
 * file is only replaced after confirmation (or with `--force`).
 */
import { defineCommand } from "citty";
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { coerceValue } from "../../config/coerce.ts";
import { inspectConfig } from "../../config/index.ts";
import { KEY_INDEX } from "../../config/keys.ts";
import { renderConfigToml } from "../../config/template.ts";
import { isLoopback } from "../../config/validate.ts";
import { c, complain, formatProblems, say, sym } from "../output.ts";
import { createPrompter, PromptAborted, type Prompter } from "../prompt.ts";
import { assertKnownFlags, guard, UsageError } from "../shared-args.ts";
import { gcloudProject } from "./gcloud.ts";
import { generateApiKey, hashApiKey } from "../../config/api-keys.ts";

const args = {
  config: { type: "string", alias: "c", valueHint: "file", description: "Where to write (default: the user config file, see `modelmux config path`)" },
  yes: { type: "boolean", alias: "y", description: "Do not ask: use the flags below, the current config and defaults" },
  force: { type: "boolean", description: "Replace an existing file without asking" },
  provider: { type: "string", valueHint: "vertex|mock", description: "vertex (Claude on Vertex AI) or mock (built-in demo)" },
  project: { type: "string", valueHint: "id", description: "Google Cloud project id" },
  region: { type: "string", valueHint: "region", description: "Vertex region, e.g. global, us-east5, europe-west1" },
  model: { type: "string", valueHint: "id", description: "Default Vertex model id, e.g. claude-sonnet-4-5@20250929" },
  "service-account-file": { type: "string", valueHint: "path", description: "Use this service-account key file" },
  adc: { type: "boolean", description: "Use Application Default Credentials instead of a key file" },
  host: { type: "string", valueHint: "address", description: "Address to bind (default 127.0.0.1)" },
  port: { type: "string", alias: "p", valueHint: "port", description: "Port (default 3000)" },
  "allow-unauthenticated": { type: "boolean", description: "With a non-loopback host: no API key (something in front authenticates)" },
  "log-level": { type: "string", valueHint: "level", description: "trace, debug, info, warn or error" },
  "streaming-mode": { type: "string", valueHint: "mode", description: "auto, never, standard, buffered or always" },
} as const;

type Args = { [K in keyof typeof args]?: (typeof args)[K]["type"] extends "boolean" ? boolean : string };

export const initCommand = defineCommand({
  meta: { name: "init", description: "Create a config file interactively (or with --yes and flags)" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "config init"));
    const prompter = a.yes ? undefined : createPrompter();
    try {
      await guard(() => init(a as Args, prompter));
    } catch (e) {
      if (!(e instanceof PromptAborted)) throw e;
      complain(`${sym.fail()} ${e.message}: nothing written`);
      process.exitCode = 130;
    } finally {
      prompter?.close();
    }
  },
});

const LEVELS = ["trace", "debug", "info", "warn", "error"] as const;

/** Checks a flag's value like the config would (so a typo fails now, not at the next start). */
function flag<T = string>(key: string, raw: string | undefined, name: string): T | undefined {
  if (raw === undefined) return undefined;
  const r = coerceValue(KEY_INDEX.get(key)!, raw, true);
  if (!r.ok) throw new UsageError(`--${name} ${r.message}`, "config init");
  return r.value as T;
}

async function init(a: Args, p: Prompter | undefined): Promise<void> {
  const probe = inspectConfig({ flags: {}, configFile: undefined, dotenv: true });
  const target = a.config ? resolve(a.config) : probe.writePath;
  if (!target) throw new UsageError("no home directory to put the user config in; pass --config FILE", "config init");
  const exists = existsSync(target);
  if (exists && !a.force) {
    if (!p) throw new UsageError(`${target} already exists; pass --force to replace it`, "config init");
    say(`${sym.warn()} ${target} already exists.`);
    if (!(await p.confirm("Replace it?", false))) {
      say("Nothing written.");
      return;
    }
  }
  const current = exists ? inspectConfig({ flags: {}, configFile: target }) : probe;
  const cur = current.config;
  const explicitMock = cur.vertex.provider === "mock" && !current.sources["vertex.provider"]!.startsWith("default");
  const v: Record<string, unknown> = {};
  const ask = <T>(flag: T | undefined, prompt: () => Promise<T>, def: T): Promise<T> => (flag !== undefined ? Promise.resolve(flag) : p ? prompt() : Promise.resolve(def));
  if (p) say(c.bold("modelmux setup") + c.dim(`  (writing ${target}; Enter keeps the [default])`), "");

  const provider = await ask(
    flag<"vertex" | "mock">("vertex.provider", a.provider, "provider"),
    () => p!.select("Upstream", [{ value: "vertex", label: "Vertex AI", hint: "Claude in your Google Cloud project" }, { value: "mock", label: "Demo", hint: "built-in mock, no Google account needed" }], explicitMock ? "mock" : "vertex"),
    "vertex",
  );
  if (provider === "mock") v["vertex.provider"] = "mock";
  const method = provider === "vertex" ? await askVertex(a, p, ask, cur, v, target, probe) : undefined;

  const port = await ask(flag<number>("server.port", a.port, "port")?.toString(), () => p!.text("Port", { default: String(cur.server.port), validate: portError }), String(cur.server.port));
  v["server.port"] = Number(port);
  const host = await ask(a.host, () => p!.text("Bind address (127.0.0.1 = this machine only, 0.0.0.0 = all interfaces)", { default: cur.server.host }), cur.server.host);
  v["server.host"] = host;
  let apiKey: string | undefined;
  if (!isLoopback(host)) {
    const how = a["allow-unauthenticated"] ? "open" : await ask(undefined, () => p!.select(`${host} is reachable from the network. Protect it with`, [{ value: "key", label: "an API key (recommended)" }, { value: "open", label: "nothing: something in front already authenticates" }], "key"), "key" as "key" | "open");
    if (how === "open") v["server.allow_unauthenticated"] = true;
    else {
      apiKey = generateApiKey();
      v["auth.api_keys"] = [{ name: "default", sha256: hashApiKey(apiKey) }];
    }
  }
  v["server.log_level"] = await ask(flag("server.log_level", a["log-level"], "log-level"), () => p!.select("Log level", LEVELS.map((l) => ({ value: l, label: l })), cur.server.log_level), cur.server.log_level);
  v["streaming.mode"] = await ask(flag("streaming.mode", a["streaming-mode"], "streaming-mode"), () => p!.select("Streaming", [
    { value: "auto", label: "auto", hint: "honour each request's stream flag; User-Agent rules for known IDEs/CLIs" },
    { value: "standard", label: "standard", hint: "stream token by token when asked" },
    { value: "buffered", label: "buffered", hint: "stream in larger chunks" },
    { value: "never", label: "never", hint: "always answer with one JSON body" },
    { value: "always", label: "always", hint: "stream even when not asked" },
  ], cur.streaming.mode), cur.streaming.mode);

  writeConfig(target, renderConfigToml(v, { header: header() }));
  say("", `${sym.ok()} Wrote ${target} ${c.dim("(mode 600)")}`);
  if (apiKey) say(`${sym.warn()} API key for clients (shown once; only its SHA-256 is stored): ${c.bold(apiKey)}`, `  clients send: Authorization: Bearer ${apiKey}`);
  const check = inspectConfig({ flags: {}, configFile: target, dotenv: false });
  const relevant = check.problems.filter((x) => (x.source === target || x.source === "unset" || x.key.startsWith("auth.service_account")) && x.key !== "auth");
  if (relevant.length) say("", ...formatProblems(relevant));
  if (method === "adc") say("", `${c.dim("Credentials: Application Default Credentials — run `gcloud auth application-default login` once (not needed on GCE/Cloud Run/GKE).")}`);
  say("", "Next:", `  modelmux doctor            ${c.dim("# credentials, token, port and model reachability")}`, `  modelmux                   ${c.dim(`# start; OpenAI base URL http://${host.includes(":") ? `[${host}]` : host}:${port}/v1`)}`);
}

type Ask = <T>(flag: T | undefined, prompt: () => Promise<T>, def: T) => Promise<T>;

async function askVertex(a: Args, p: Prompter | undefined, ask: Ask, cur: ReturnType<typeof inspectConfig>["config"], v: Record<string, unknown>, target: string, probe: ReturnType<typeof inspectConfig>): Promise<"file" | "adc"> {
  const knownProject = cur.vertex.project ?? gcloudProject(process.env, process.env.HOME);
  if (!p && !a.project && !knownProject) throw new UsageError("--project is required with --yes (or --provider mock for the demo)", "config init");
  v["vertex.project"] = await ask(a.project, () => p!.text("Google Cloud project id", { default: knownProject, validate: (x) => (x ? undefined : "a project id is required") }), knownProject!);
  v["vertex.region"] = await ask(a.region, () => p!.text("Region (global is recommended for Claude 4.5+; or us-east5, europe-west1, …)", { default: cur.vertex.region ?? "global" }), cur.vertex.region ?? "global");
  v["vertex.model"] = await ask(a.model, () => p!.text("Default model (Vertex model id)", { default: cur.vertex.model ?? "claude-sonnet-4-5@20250929" }), cur.vertex.model ?? "claude-sonnet-4-5@20250929");

  const defaultKey = cur.auth.service_account_file ?? join(dirname(target), "service-account.json");
  const flagMethod = a["service-account-file"] ? "file" : a.adc ? "adc" : undefined;
  const method = await ask(flagMethod, () => p!.select("Google credentials", [
    { value: "file", label: "service-account key file", hint: "a JSON key downloaded from IAM → Service accounts" },
    { value: "adc", label: "Application Default Credentials", hint: "`gcloud auth application-default login`, or the metadata server on GCP" },
  ], cur.auth.service_account_file || existsSync(defaultKey) ? "file" : "adc"), cur.auth.service_account_file || existsSync(defaultKey) ? "file" : "adc") as "file" | "adc";
  if (method === "file") {
    const path = await ask(a["service-account-file"], () => p!.text("Key file path (~ and $VARS expand)", { default: defaultKey }), defaultKey);
    v["auth.service_account_file"] = path;
  }
  if (probe.config.auth.access_token || probe.config.auth.service_account_json) {
    say(c.dim(`  note: ${probe.config.auth.access_token ? "an access token" : "inline service-account JSON"} is also set in your environment and takes precedence over the file`));
  }
  return method;
}

function portError(s: string): string | undefined {
  return /^\d+$/.test(s.trim()) && Number(s) <= 65535 ? undefined : "must be a number from 0 to 65535";
}

function header(): string[] {
  return [
    `modelmux configuration (written by \`modelmux config init\`, ${new Date().toISOString().slice(0, 10)})`,
    "",
    "Precedence, highest first: flags > environment (MODELMUX_<SECTION>_<KEY>) > ./.env > --config FILE",
    "  > this user file > /etc/modelmux/config.toml > built-in defaults.",
    "Check it: modelmux config validate --check-upstream   See every value's source: modelmux config show",
  ];
}

/** Writes atomically with mode 0600 (directory 0700 when created). */
export function writeConfig(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
