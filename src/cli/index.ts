/**
 * The root command. Subcommands load lazily (only the one that runs is imported); `serve` is the
 * default, so `modelmux --port 8080` serves. Flags before a subcommand name apply to it.
 */
import { defineCommand } from "citty";
import pkg from "../../package.json" with { type: "json" };
import { assertKnownFlags, configArgs, guard, setGlobalFlags } from "./shared-args.ts";

export const VERSION: string = pkg.version;

export const rootCommand = defineCommand({
  meta: { name: "modelmux", version: VERSION, description: "OpenAI-compatible gateway for Anthropic Claude on Google Vertex AI" },
  args: configArgs,
  default: "serve",
  subCommands: {
    serve: () => import("./serve.ts").then((m) => m.serveCommand),
    config: () => import("./config/index.ts").then((m) => m.configCommand),
    doctor: () => import("./doctor.ts").then((m) => m.doctorCommand),
    keys: () => import("./keys.ts").then((m) => m.keysCommand),
    validate: () => import("./config/validate.ts").then((m) => m.validateAliasCommand),
  },
  setup({ rawArgs, args }) {
    setGlobalFlags(args);
    return guard(() => assertKnownFlags(rawArgs, configArgs, "", true));
  },
});
