/**
 * Config loading, the public entry of config/. Layers, highest wins, merged key by key:
 *
 *   CLI flags > environment (MODELMUX_<SECTION>_<KEY>, then compatibility names such as VERTEX_PROJECT,
 *   PORT, LOG_LEVEL) > ./.env (never overrides the real environment) > --config FILE (or MODELMUX_CONFIG)
 *   > user file (first existing of $XDG_CONFIG_HOME/modelmux/config.toml, ~/.config/modelmux/config.toml,
 *   macOS legacy locations) > system file (/etc/modelmux/config.toml or MODELMUX_SYSTEM_CONFIG) > defaults.
 *
 * Everything that touches the outside (env, cwd, home, platform, the explicit file) is injectable, so
 * tests never read the real user's files. `inspectConfig` never throws (for `config show`/`validate`);
 * `loadConfig` throws a ConfigError listing every error.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { exposedToOthers } from "./credentials.ts";
import { parseDotenv } from "./dotenv.ts";
import { KEY_INDEX, META_ENV } from "./keys.ts";
import { type ConfigProblem, envLayer, type Layer, type LayerEntry, fileLayer, overridesLayer } from "./layers.ts";
import { defaultsLayer, mergeLayers } from "./merge.ts";
import { type Env, systemConfigPath, userConfigCandidates } from "./paths.ts";
import type { Config } from "./schema.ts";
import { validateConfig } from "./validate.ts";

export type { Config } from "./schema.ts";
export { DEFAULT_CONFIG, defineConfig } from "./schema.ts";
export type { ConfigProblem, LayerEntry } from "./layers.ts";

/** Values given as CLI flags (strings as typed; validated like env values). */
export interface ConfigFlags {
  port?: string | number;
  host?: string;
  logLevel?: string;
  logFormat?: string;
}

export interface LoadOptions {
  /** Environment variables (default: process.env). */
  env?: Env;
  flags?: ConfigFlags;
  /** Extra highest-priority values, e.g. `{ key: "vertex.model", value: "…", source: "flag --model" }`. */
  overrides?: Array<{ key: string; value: string; source: string }>;
  /** Where `.env` is looked for and relative paths from env/flags resolve (default: process.cwd()). */
  cwd?: string;
  /** Home directory (default: env HOME/USERPROFILE, or the OS home when env is the real one). */
  home?: string;
  /** `--config FILE` (default: env MODELMUX_CONFIG). Must exist. */
  configFile?: string;
  platform?: NodeJS.Platform;
  /** Read ./.env (default true). */
  dotenv?: boolean;
  /** Read the user and system files (default true). */
  files?: boolean;
}

export interface ConfigFileInfo {
  kind: "system" | "user" | "file" | "dotenv";
  path: string;
  /** loaded; missing; shadowed = exists but an earlier user candidate won; error = could not be used. */
  status: "loaded" | "missing" | "shadowed" | "error";
}

export interface ConfigInspection {
  /** Best-effort config: invalid values fall back to the next layer down. */
  config: Config;
  /** `section.key` → source label of the effective value. */
  sources: Record<string, string>;
  /** `section.key` → the highest layer's raw entry (may be invalid). */
  top: Map<string, LayerEntry>;
  problems: ConfigProblem[];
  files: ConfigFileInfo[];
  /** Where `config init`/`config edit` write: the --config file, else the user file in use, else the first user candidate. */
  writePath?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.key} (${p.source}): ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Loads the effective config. Throws ConfigError listing every error (warnings do not throw). */
export function loadConfig(opts: LoadOptions = {}): Config {
  const r = inspectConfig(opts);
  const errors = r.problems.filter((p) => p.level === "error");
  if (errors.length) throw new ConfigError(errors);
  return r.config;
}

/** Reads every layer, merges and validates; never throws. */
export function inspectConfig(opts: LoadOptions = {}): ConfigInspection {
  const realEnv = opts.env === undefined;
  const env: Env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? env.HOME ?? env.USERPROFILE ?? (realEnv ? homedir() : undefined);
  const files: ConfigFileInfo[] = [];
  const problems: ConfigProblem[] = [];
  const layers: Layer[] = [defaultsLayer()];

  // .env first: it may name the config file, and it tells which variables Bun auto-loaded from it.
  let dotVars: Record<string, string> = {};
  const dotPath = join(cwd, ".env");
  if (opts.dotenv !== false && existsSync(dotPath)) {
    const text = readText(dotPath, ".env", problems);
    if (text !== undefined) {
      const parsed = parseDotenv(text);
      dotVars = parsed.vars;
      for (const e of parsed.errors) problems.push({ level: "warning", key: ".env", source: `${dotPath}:${e.line}`, message: `line ${e.line} ignored: ${e.message}`, fix: "write KEY=value" });
    }
    files.push({ kind: "dotenv", path: dotPath, status: text === undefined ? "error" : "loaded" });
  }
  // Bun copies .env into process.env at startup; a variable with exactly the .env value is treated as
  // coming from .env, so .env can never outrank a real variable set under another name.
  const realOnly: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (dotVars[k] === undefined || dotVars[k] !== v) realOnly[k] = v;
  const ctx = { env: { ...dotVars, ...realOnly } as Env, home };

  const pathCtx = { env: ctx.env, home, platform };
  if (opts.files !== false) {
    const sys = systemConfigPath(pathCtx);
    layers.push(...readFileLayer("system", sys, files, problems, ctx, false));
    let found = false;
    for (const p of userConfigCandidates(pathCtx)) {
      if (found) {
        if (existsSync(p)) files.push({ kind: "user", path: p, status: "shadowed" });
        continue;
      }
      const l = readFileLayer("user", p, files, problems, ctx, false);
      if (files.at(-1)?.status !== "missing") found = true;
      layers.push(...l);
    }
  }
  const explicit = opts.configFile ?? realOnly[META_ENV.config] ?? dotVars[META_ENV.config];
  if (explicit) layers.push(...readFileLayer("file", resolve(cwd, explicit), files, problems, ctx, true));
  layers.push(envLayer("dotenv", dotVars, { ...ctx, cwd, prefix: ".env" }));
  layers.push(envLayer("env", realOnly, { ...ctx, cwd, prefix: "env" }));
  layers.push(overridesLayer([...flagItems(opts.flags ?? {}), ...(opts.overrides ?? [])], { ...ctx, cwd }));
  for (const l of layers) problems.push(...l.problems);

  const merged = mergeLayers(layers);
  resolveProvider(merged.config, merged.sources, merged.top);
  problems.push(...validateConfig(merged.config, { sources: merged.sources, platform }));
  const loadedUser = files.find((f) => f.kind === "user" && f.status !== "missing" && f.status !== "shadowed")?.path;
  const writePath = explicit ? resolve(cwd, explicit) : (loadedUser ?? userConfigCandidates(pathCtx)[0]);
  return { config: merged.config, sources: merged.sources, top: merged.top, problems, files, writePath };
}

function readFileLayer(kind: "system" | "user" | "file", path: string, files: ConfigFileInfo[], problems: ConfigProblem[], ctx: { env: Env; home?: string }, required: boolean): Layer[] {
  if (!existsSync(path)) {
    files.push({ kind, path, status: required ? "error" : "missing" });
    if (required) problems.push({ level: "error", key: "--config", source: path, message: `config file ${path} does not exist`, fix: "check the path, or create it with `modelmux config init --config " + path + "`" });
    return [];
  }
  const text = readText(path, kind, problems);
  if (text === undefined) {
    files.push({ kind, path, status: "error" });
    return [];
  }
  const layer = fileLayer(kind, path, text, ctx);
  const secrets = [...layer.entries.keys()].filter((k) => KEY_INDEX.get(k)?.secret);
  if (secrets.length && process.platform !== "win32" && exposedToOthers(statSync(path))) {
    problems.push({ level: "warning", key: secrets.join(", "), source: path, message: `${path} holds secrets but is readable by group/others`, fix: `chmod 600 ${path}` });
  }
  files.push({ kind, path, status: layer.problems.some((p) => p.key === "(file)") ? "error" : "loaded" });
  return [layer];
}

function readText(path: string, what: string, problems: ConfigProblem[]): string | undefined {
  try {
    if (statSync(path).isDirectory()) throw new Error("is a directory");
    return readFileSync(path, "utf8");
  } catch (e) {
    problems.push({ level: "error", key: "(file)", source: path, message: `cannot read ${what} file: ${(e as Error).message}`, fix: `make ${path} a file readable by this user` });
    return undefined;
  }
}

function flagItems(f: ConfigFlags): Array<{ key: string; value: string; source: string }> {
  const out: Array<{ key: string; value: string; source: string }> = [];
  if (f.port !== undefined) out.push({ key: "server.port", value: String(f.port), source: "flag --port" });
  if (f.host !== undefined) out.push({ key: "server.host", value: f.host, source: "flag --host" });
  if (f.logLevel !== undefined) out.push({ key: "server.log_level", value: f.logLevel, source: "flag --log-level" });
  if (f.logFormat !== undefined) out.push({ key: "server.log_format", value: f.logFormat, source: "flag --log-format" });
  return out;
}

/**
 * No explicit provider: the demo `mock` provider when no Vertex setting exists in any layer (valid or
 * not), otherwise `vertex` — so a partial Vertex setup is reported as incomplete, never silently mocked.
 */
function resolveProvider(c: Config, sources: Record<string, string>, top: Map<string, LayerEntry>): void {
  if (sources["vertex.provider"] !== "default") return;
  const any = ["vertex.project", "vertex.region", "vertex.model", "vertex.models"].some((k) => top.has(k));
  c.vertex.provider = any ? "vertex" : "mock";
  sources["vertex.provider"] = any ? "default (Vertex settings present)" : "default (no Vertex settings)";
}
