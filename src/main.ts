#!/usr/bin/env -S bun --no-env-file
/**
 * The binary entry (`bun build --compile` and the package `bin`). modelmux reads ./.env itself (below
 * the real environment), hence `--no-env-file`; when Bun loaded it anyway (compiled binaries), the
 * config loader still ranks those values as .env.
 */
import { runMain } from "citty";
import { showHelp } from "./cli/help.ts";
import { rootCommand, VERSION } from "./cli/index.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "-v")) {
  process.stdout.write(`modelmux ${VERSION}\n`);
} else {
  await runMain(rootCommand, { rawArgs: argv, showUsage: showHelp });
}
