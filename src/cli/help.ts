/**
 * `--help`: citty's usage (USAGE, OPTIONS, COMMANDS) plus, for the root and `serve`, the CONFIGURATION
 * and ENVIRONMENT VARIABLES sections generated from the key table, so they can never drift.
 */
import { type CommandDef, renderUsage } from "citty";
import { envName, KEYS, META_ENV } from "../config/keys.ts";
import { c, stripAnsi } from "./output.ts";

/** Prints usage for `cmd` (used as citty's showUsage). */
export async function showHelp(cmd: CommandDef<any>, parent?: CommandDef<any>): Promise<void> {
  let text = await renderUsage(cmd, parent);
  const meta = typeof cmd.meta === "function" ? await cmd.meta() : await cmd.meta;
  const parentMeta = parent ? (typeof parent.meta === "function" ? await parent.meta() : await parent.meta) : undefined;
  // citty names only one level up ("config init"); show the full command line.
  if (parentMeta?.name && parentMeta.name !== "modelmux" && meta?.name) {
    text = text.replaceAll(`${parentMeta.name} ${meta.name}`, `modelmux ${parentMeta.name} ${meta.name}`);
  }
  if (!parent || meta?.name === "serve") text += "\n\n" + environmentSection();
  if (!process.stdout.isTTY || process.env.NO_COLOR) text = stripAnsi(text);
  process.stdout.write(text + "\n");
}

/** The CONFIGURATION and ENVIRONMENT VARIABLES sections. */
export function environmentSection(): string {
  const h = (s: string) => c.bold(s);
  const rows: Array<[string, string]> = [];
  for (const k of KEYS) {
    const aliases = k.envAliases?.length ? ` (also ${k.envAliases.join(", ")})` : "";
    rows.push([envName(k.key), `${k.doc}${aliases}`]);
  }
  const extra: Array<[string, string]> = [
    [META_ENV.config, "Config file, same as --config"],
    [META_ENV.systemConfig, "System config file (default /etc/modelmux/config.toml)"],
    ["XDG_CONFIG_HOME", "User config directory (default ~/.config)"],
    ["GOOGLE_APPLICATION_CREDENTIALS", "Credentials file for Application Default Credentials (when [auth] sets none)"],
    ["VISUAL, EDITOR", "Editor used by `modelmux config edit`"],
    ["NO_COLOR", "Disable colours"],
  ];
  const width = Math.max(...[...rows, ...extra].map(([n]) => n.length));
  const fmt = (list: Array<[string, string]>) => list.map(([n, d]) => `  ${c.cyan(n.padEnd(width))}  ${d}`).join("\n");
  return [
    h("CONFIGURATION"),
    "",
    "  Layers, highest first: flags > environment > ./.env (never overrides the environment) > --config FILE >",
    "  user file ($XDG_CONFIG_HOME/modelmux/config.toml or ~/.config/modelmux/config.toml) > /etc/modelmux/config.toml > defaults.",
    "  `modelmux config show` prints every value with the layer it came from.",
    "",
    h("ENVIRONMENT VARIABLES"),
    "",
    "  Every config key [section] key is MODELMUX_<SECTION>_<KEY>. Booleans: true/false, yes/no, on/off, 1/0.",
    "  Lists: JSON or comma-separated; tables ([[vertex.models]] etc.): JSON. Empty values count as unset.",
    "",
    fmt(rows),
    "",
    fmt(extra),
  ].join("\n");
}
