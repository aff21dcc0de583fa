/**
 * Where config files live (pure functions of env, home and platform; nothing is created here).
 *
 * User file, first that exists wins: `$XDG_CONFIG_HOME/modelmux/config.toml`, `~/.config/modelmux/config.toml`,
 * then on macOS the Rust original's `~/Library/Application Support/com.SkyCorp.modelmux/config.toml` and
 * `~/Library/Application Support/modelmux/config.toml` (read in place, never moved). Windows:
 * `%APPDATA%\modelmux\config.toml`. System file: `$MODELMUX_SYSTEM_CONFIG` or `/etc/modelmux/config.toml`
 * (`%PROGRAMDATA%\modelmux\config.toml` on Windows).
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { META_ENV } from "./keys.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface PathContext {
  env: Env;
  /** Home directory, or undefined when unknown (then no user file is looked for). */
  home?: string;
  platform: NodeJS.Platform;
}

/** User-file candidates in lookup order; the first is where `config init`/`edit` write. */
export function userConfigCandidates(ctx: PathContext): string[] {
  const { env, home, platform } = ctx;
  const out: string[] = [];
  if (platform === "win32") {
    if (env.APPDATA) out.push(join(env.APPDATA, "modelmux", "config.toml"));
    return out;
  }
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) out.push(join(xdg, "modelmux", "config.toml"));
  if (home) {
    out.push(join(home, ".config", "modelmux", "config.toml"));
    if (platform === "darwin") {
      out.push(join(home, "Library", "Application Support", "com.SkyCorp.modelmux", "config.toml"));
      out.push(join(home, "Library", "Application Support", "modelmux", "config.toml"));
    }
  }
  return [...new Set(out)];
}

/** The system-wide file. */
export function systemConfigPath(ctx: PathContext): string {
  const override = ctx.env[META_ENV.systemConfig];
  if (override) return override;
  if (ctx.platform === "win32") return join(ctx.env.PROGRAMDATA ?? "C:\\ProgramData", "modelmux", "config.toml");
  return "/etc/modelmux/config.toml";
}

/** Directory of the primary user file (default home of service-account.json), if there is a home. */
export function userConfigDir(ctx: PathContext): string | undefined {
  const first = userConfigCandidates(ctx)[0];
  return first ? dirname(first) : undefined;
}

/**
 * Expands `~`, `~/…`, `$VAR` and `${VAR}` (unset variables expand to ""), then resolves a relative path
 * against `base` (the directory of the file that named it, or the working directory).
 */
export function expandPath(p: string, ctx: { env: Env; home?: string; base: string }): string {
  let out = p.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string | undefined, b: string | undefined) => ctx.env[(a ?? b)!] ?? "");
  if (ctx.home && (out === "~" || out.startsWith("~/"))) out = ctx.home + out.slice(1);
  return isAbsolute(out) ? out : resolve(ctx.base, out);
}
