/**
 * `modelmux config edit`: opens the user config file (or --config FILE) in $VISUAL, else $EDITOR, else
 * a platform default, creating a documented template first (mode 0600) when it does not exist, and
 * validates the result afterwards (on a terminal it offers to reopen the editor when there are errors).
 * Exit 1 when the edited config has errors.
 */
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { inspectConfig } from "../../config/index.ts";
import { renderConfigToml } from "../../config/template.ts";
import { c, complain, countProblems, formatProblems, say, sym } from "../output.ts";
import { createPrompter } from "../prompt.ts";
import { assertKnownFlags, guard, UsageError } from "../shared-args.ts";
import { writeConfig } from "./init.ts";

const args = {
  config: { type: "string", alias: "c", valueHint: "file", description: "File to edit (default: the user config file)" },
} as const;

export const editCommand = defineCommand({
  meta: { name: "edit", description: "Open the config file in $VISUAL/$EDITOR (creating a documented template), then validate it" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "config edit"));
    const target = a.config ? resolve(a.config) : inspectConfig({ flags: {} }).writePath;
    if (!target) return guard(() => {
      throw new UsageError("no home directory to put the user config in; pass --config FILE", "config edit");
    });
    if (!existsSync(target)) {
      writeConfig(target, renderConfigToml({}, { header: TEMPLATE_HEADER }));
      say(`${sym.ok()} Created ${target} from the documented template ${c.dim("(mode 600)")}`);
    }
    const editor = await guard(() => pickEditor());
    for (;;) {
      const code = await runEditor(editor, target);
      if (code !== 0) {
        complain(`${sym.fail()} the editor (${editor.join(" ")}) exited with status ${code}`);
        process.exitCode = 1;
        return;
      }
      const r = inspectConfig({ flags: {}, configFile: target });
      const mine = r.problems.filter((p) => p.source === target || p.source === "unset");
      const errors = mine.filter((p) => p.level === "error");
      if (!mine.length) say(`${sym.ok()} ${target} is valid`);
      else say(...formatProblems(mine), "", `${errors.length ? sym.fail() : sym.warn()} ${countProblems(mine)}`);
      if (!errors.length) return;
      if (!process.stdin.isTTY) {
        process.exitCode = 1;
        return;
      }
      const p = createPrompter();
      const again = await p.confirm("Edit again?", true);
      p.close();
      if (!again) {
        process.exitCode = 1;
        return;
      }
    }
  },
});

const TEMPLATE_HEADER = [
  "modelmux configuration. Uncomment and change what you need; everything else keeps its default.",
  "",
  "Precedence, highest first: flags > environment (MODELMUX_<SECTION>_<KEY>) > ./.env > --config FILE",
  "  > this user file > /etc/modelmux/config.toml > built-in defaults.",
  "Minimum for Vertex AI: [vertex] project, region and model (plus credentials, or Application Default Credentials).",
  "Check it: modelmux config validate --check-upstream   See every value's source: modelmux config show",
];

/** The editor command: $VISUAL, $EDITOR, then `open -W -t` (macOS), nano, vi. */
function pickEditor(): string[] {
  const env = process.env.VISUAL || process.env.EDITOR;
  if (env) return splitCommand(env);
  if (process.platform === "darwin") return ["open", "-W", "-t"];
  if (process.platform === "win32") return ["notepad"];
  for (const e of ["nano", "vi"]) if (Bun.which(e)) return [e];
  throw new UsageError("no editor found: set $VISUAL or $EDITOR", "config edit");
}

/** Splits `code --wait` or `"/path with space/ed" -x` into argv. */
export function splitCommand(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

async function runEditor(editor: string[], file: string): Promise<number> {
  try {
    const proc = Bun.spawn([...editor, file], { stdio: ["inherit", "inherit", "inherit"] });
    return await proc.exited;
  } catch (e) {
    complain(`${sym.fail()} cannot run ${editor[0]}: ${(e as Error).message}`);
    return 127;
  }
}
