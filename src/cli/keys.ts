/**
 * `modelmux keys create NAME [--models a,b] [--rpm N] [--tpm N]`: makes a random client API key, prints it
 * ONCE with the `[[auth.api_keys]]` lines to paste into the config (which stores only its SHA-256), and
 * `modelmux keys hash` (key on stdin) for keys made elsewhere. Keys look like `sk-mm-<43 base64url chars>`
 * (256 random bits; the `sk-` prefix keeps tools that expect OpenAI-style keys happy and lets secret
 * scanners and our log redaction recognise them).
 */
import { defineCommand } from "citty";
import { generateApiKey, hashApiKey } from "../config/api-keys.ts";
import { complain, say } from "./output.ts";
import { assertKnownFlags, guard, UsageError } from "./shared-args.ts";

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;


export { generateApiKey };

export interface NewKeySpec {
  name: string;
  models?: string[];
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** The `[[auth.api_keys]]` TOML block for a key hash. */
export function apiKeyToml(spec: NewKeySpec, sha256: string): string {
  const lines = ["[[auth.api_keys]]", `name = ${JSON.stringify(spec.name)}`, `sha256 = "${sha256}"`];
  if (spec.models?.length) lines.push(`models = [${spec.models.map((m) => JSON.stringify(m)).join(", ")}]`);
  if (spec.requestsPerMinute !== undefined) lines.push(`requests_per_minute = ${spec.requestsPerMinute}`);
  if (spec.tokensPerMinute !== undefined) lines.push(`tokens_per_minute = ${spec.tokensPerMinute}`);
  return lines.join("\n");
}

/** Validates `keys create` arguments into a spec (throws UsageError). */
export function parseKeySpec(args: { name?: string; models?: string; rpm?: string; tpm?: string }): NewKeySpec {
  const name = (args.name ?? "").trim();
  if (!NAME_RE.test(name)) {
    throw new UsageError(`the key name ${JSON.stringify(name)} must be 1–64 letters, digits, ".", "_" or "-" (it appears in logs)`, "keys create");
  }
  const int = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer, got ${JSON.stringify(v)}`, "keys create");
    return n;
  };
  const models = args.models?.split(",").map((m) => m.trim()).filter(Boolean);
  return { name, models: models?.length ? models : undefined, requestsPerMinute: int(args.rpm, "rpm"), tokensPerMinute: int(args.tpm, "tpm") };
}

const createArgs = {
  name: { type: "positional", required: true, description: "Name of the key (shown in logs and rate-limit errors, never secret)" },
  models: { type: "string", valueHint: "a,b", description: "Comma-separated models this key may use (default: all)" },
  rpm: { type: "string", valueHint: "n", description: "Requests-per-minute limit for this key" },
  tpm: { type: "string", valueHint: "n", description: "Tokens-per-minute limit for this key" },
} as const;

const createCommand = defineCommand({
  meta: { name: "create", description: "Create a random API key; prints it once with the config lines to add" },
  args: createArgs,
  async run({ args, rawArgs }) {
    const spec = await guard(() => {
      assertKnownFlags(rawArgs, createArgs, "keys create");
      return parseKeySpec(args);
    });
    const key = generateApiKey();
    say(
      `New API key "${spec.name}". It is shown only this once; modelmux keeps only its SHA-256:`,
      "",
      `  ${key}`,
      "",
      "Add this to your config file (e.g. ~/.config/modelmux/config.toml or /etc/modelmux/config.toml),",
      "then reload (systemctl reload modelmux, or kill -HUP <pid>) or restart:",
      "",
      apiKeyToml(spec, hashApiKey(key)),
      "",
      "Clients send it as `Authorization: Bearer <key>` (e.g. OPENAI_API_KEY) or `x-api-key: <key>`.",
    );
  },
});

const hashCommand = defineCommand({
  meta: { name: "hash", description: "Print the SHA-256 of a key read from stdin (for keys made elsewhere)" },
  async run() {
    const key = (await new Response(Bun.stdin.stream()).text()).trim();
    if (!key) {
      complain("Error: no key on stdin. Usage: printf %s \"$KEY\" | modelmux keys hash");
      process.exit(1);
    }
    say(hashApiKey(key));
  },
});

/** `modelmux keys …` (register under the root command's subCommands). */
export const keysCommand = defineCommand({
  meta: { name: "keys", description: "Create client API keys ([[auth.api_keys]])" },
  subCommands: { create: createCommand, hash: hashCommand },
});
