/**
 * Flags shared by every command that loads the config (--config, --port, --host, --log-level,
 * --log-format), how they become LoadOptions, and strict flag checking (citty itself ignores unknown
 * flags, which would silently drop a typo like `--prot 8080`).
 */
import type { ArgsDef } from "citty";
import type { LoadOptions } from "../config/index.ts";
import { suggest } from "../config/suggest.ts";
import { complain } from "./output.ts";

export const configArgs = {
  config: { type: "string", alias: "c", valueHint: "file", description: "Config file, layered above the user and system files (env MODELMUX_CONFIG)" },
  port: { type: "string", alias: "p", valueHint: "port", description: "Port to listen on (server.port)" },
  host: { type: "string", valueHint: "address", description: "Address to bind (server.host)" },
  "log-level": { type: "string", valueHint: "trace|debug|info|warn|error", description: "Log level (server.log_level)" },
  "log-format": { type: "string", valueHint: "pretty|json", description: "Log format; json when stdout is not a terminal (server.log_format)" },
} as const satisfies ArgsDef;

/** A mistake on the command line: printed as `Error: …` with a pointer to --help, exit 1. */
export class UsageError extends Error {
  constructor(message: string, readonly command = "") {
    super(message);
    this.name = "UsageError";
  }
}

/** Flags given before the subcommand name (`modelmux --config x.toml doctor`), captured by the root command. */
let globalFlags: Record<string, unknown> = {};

/** Remembers the root command's parsed flags. */
export function setGlobalFlags(args: Record<string, unknown>): void {
  globalFlags = args;
}

type ConfigArgValues = { config?: string; port?: string; host?: string; "log-level"?: string; "log-format"?: string };

/** LoadOptions for loadConfig/inspectConfig from parsed flags (a command's own flags win over global ones). */
export function loadOptionsFrom(args: ConfigArgValues): LoadOptions {
  const pick = (k: keyof ConfigArgValues): string | undefined => {
    const v = args[k] ?? globalFlags[k];
    return typeof v === "string" ? v : undefined;
  };
  return {
    configFile: pick("config"),
    flags: { port: pick("port"), host: pick("host"), logLevel: pick("log-level"), logFormat: pick("log-format") },
  };
}

/**
 * Throws UsageError for flags the command does not define, with a suggestion. Stops at `--` and, when
 * `untilPositional`, at the first positional (the subcommand name).
 */
export function assertKnownFlags(rawArgs: readonly string[], def: ArgsDef, command: string, untilPositional = false): void {
  const names = new Map<string, ArgsDef[string]>();
  for (const [name, d] of Object.entries(def)) {
    names.set(name, d);
    const aliases = "alias" in d && d.alias ? (Array.isArray(d.alias) ? d.alias : [d.alias]) : [];
    for (const a of aliases) names.set(a, d);
  }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") {
      if (untilPositional) return;
      continue;
    }
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    if (name === "help" || name === "h") continue;
    const d = names.get(name) ?? (name.startsWith("no-") ? names.get(name.slice(3)) : undefined);
    if (!d) {
      const hint = suggest(name, [...names.keys()].filter((n) => n.length > 1));
      throw new UsageError(`unknown option ${arg}${hint ? ` (did you mean --${hint}?)` : ""}`, command);
    }
    if ((d.type === "string" || d.type === "enum") && !arg.includes("=")) {
      if (rawArgs[i + 1] === undefined) throw new UsageError(`option ${arg} needs a value`, command);
      i++;
    }
  }
}

/**
 * Runs `fn`; a UsageError is printed as `Error: …` plus a --help pointer and exits 1 (without citty's
 * stack trace). Anything else propagates.
 */
export async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError) {
      complain(`Error: ${e.message}`, `Run \`modelmux${e.command ? " " + e.command : ""} --help\` for usage.`);
      process.exit(1);
    }
    throw e;
  }
}
