/**
 * `modelmux config path`: prints the user config file (the one `config init`/`edit` write; the
 * --config file when given), so `$EDITOR "$(modelmux config path)"` works. `--all` lists every
 * layer's file with its status.
 */
import { defineCommand } from "citty";
import { inspectConfig } from "../../config/index.ts";
import { c, complain, say } from "../output.ts";
import { assertKnownFlags, guard, loadOptionsFrom } from "../shared-args.ts";

const args = {
  config: { type: "string", alias: "c", valueHint: "file", description: "Config file (printed as is)" },
  all: { type: "boolean", description: "List every config file modelmux reads, in precedence order (lowest first), with its status" },
} as const;

export const pathCommand = defineCommand({
  meta: { name: "path", description: "Print the config file path (--all: every file and its status)" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "config path"));
    const r = inspectConfig({ ...loadOptionsFrom(a), flags: {} });
    if (a.all) {
      for (const f of r.files) say(`${f.kind.padEnd(6)}  ${f.status.padEnd(8)}  ${f.path}`);
      return;
    }
    if (!r.writePath) {
      complain("Error: no home directory, so there is no user config file; use --config FILE");
      process.exitCode = 1;
      return;
    }
    say(r.writePath);
    if (process.stdout.isTTY && !r.files.some((f) => f.path === r.writePath && f.status !== "missing")) {
      complain(c.dim("(does not exist yet: create it with `modelmux config init`)"));
    }
  },
});
