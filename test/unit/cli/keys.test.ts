import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { parse } from "smol-toml";
import { apiKeyToml, generateApiKey, parseKeySpec } from "../../../src/cli/keys.ts";
import { UsageError } from "../../../src/cli/shared-args.ts";
import { createAccessControl, hashApiKey } from "../../../src/server/access.ts";
import { redactText } from "../../../src/observability/redact.ts";

const ROOT = resolve(import.meta.dir, "../../..");

describe("generateApiKey", () => {
  test("sk-mm- plus 43 base64url characters, never repeated", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^sk-mm-[A-Za-z0-9_-]{43}$/);
  });
  test("log redaction recognises our keys", () => {
    const k = generateApiKey();
    expect(redactText(`got ${k}`)).not.toContain(k.slice(6));
  });
});

describe("apiKeyToml", () => {
  test("is valid TOML that the gateway accepts for exactly that key", () => {
    const key = generateApiKey();
    const toml = apiKeyToml({ name: "laptop", models: ["claude-sonnet-4-5", 'we"ird'], requestsPerMinute: 60, tokensPerMinute: 100000 }, hashApiKey(key));
    const parsed = parse(toml) as any;
    expect(parsed.auth.api_keys[0]).toEqual({
      name: "laptop",
      sha256: hashApiKey(key),
      models: ["claude-sonnet-4-5", 'we"ird'],
      requests_per_minute: 60,
      tokens_per_minute: 100000,
    });
    const access = createAccessControl(parsed.auth.api_keys);
    expect(access.authenticate(new Headers({ authorization: `Bearer ${key}` }))?.name).toBe("laptop");
  });
  test("omits unset options", () => {
    expect(apiKeyToml({ name: "ci" }, "a".repeat(64))).toBe(`[[auth.api_keys]]\nname = "ci"\nsha256 = "${"a".repeat(64)}"`);
  });
});

describe("parseKeySpec", () => {
  test("parses models and limits", () => {
    expect(parseKeySpec({ name: "ci", models: "a, b,,", rpm: "10", tpm: "5000" })).toEqual({ name: "ci", models: ["a", "b"], requestsPerMinute: 10, tokensPerMinute: 5000 });
  });
  test.each([{ name: "" }, { name: "has space" }, { name: 'q"uote' }, { name: "ok", rpm: "0" }, { name: "ok", tpm: "1.5" }, { name: "ok", rpm: "x" }])("rejects %p", (a) => {
    expect(() => parseKeySpec(a)).toThrow(UsageError);
  });
});

test("`keys create` prints the key once and a config block whose hash matches it", async () => {
  const script = `import { runMain } from "citty"; import { keysCommand } from "./src/cli/keys.ts"; await runMain(keysCommand, { rawArgs: ["create", "laptop", "--rpm", "60"] });`;
  const proc = Bun.spawn([process.execPath, "--eval", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  const keys = out.match(/sk-mm-[A-Za-z0-9_-]{43}/g) ?? [];
  expect(keys.length).toBe(1);
  const block = out.slice(out.indexOf("[[auth.api_keys]]"), out.indexOf("\n\n", out.indexOf("[[auth.api_keys]]")));
  const parsed = parse(block) as any;
  expect(parsed.auth.api_keys[0]).toEqual({ name: "laptop", sha256: hashApiKey(keys[0]!), requests_per_minute: 60 });
});
