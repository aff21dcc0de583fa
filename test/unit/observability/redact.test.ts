import { describe, expect, it } from "bun:test";
import { createLogger } from "../../../src/observability/logger.ts";
import { isSecretField, redact, REDACTED, redactFields, redactText } from "../../../src/observability/redact.ts";

describe("redact", () => {
  it("masks a value, keeping only its length", () => {
    expect(redact("ya29.abcdef")).toBe(`${REDACTED} (11 chars)`);
    expect(redact(undefined)).toBe("");
    expect(redact("")).toBe("");
  });

  it.each(["authorization", "Authorization", "x-api-key", "api_key", "access_token", "private_key", "client_secret", "service_account_json", "password", "token", "credentials"])(
    "treats %s as secret",
    (f) => expect(isSecretField(f)).toBe(true),
  );
  it.each(["prompt_tokens", "completion_tokens", "model", "api_key_name", "status", "upstream_status", "tokens"])("does not treat %s as secret", (f) => expect(isSecretField(f)).toBe(false));

  it("masks secret fields deeply and scrubs text", () => {
    const out = redactFields({ model: "m", headers: { authorization: "Bearer abcdefghijk" }, note: "got Bearer abcdefghijklmnop back", list: [{ access_token: "t" }] });
    expect(out).toEqual({ model: "m", headers: { authorization: REDACTED }, note: `got Bearer ${REDACTED} back`, list: [{ access_token: REDACTED }] });
  });

  it("scrubs PEM keys, Google tokens and JSON key fields from text", () => {
    const text = 'key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- tok ya29.a0AfH6SMBxyz123 {"private_key": "abc", "client_secret":"s"}';
    const out = redactText(text);
    expect(out).not.toContain("MIIE");
    expect(out).not.toContain("ya29.a0AfH6SMBxyz123");
    expect(out).toContain(`"private_key": "${REDACTED}"`);
    expect(out).toContain(`"client_secret":"${REDACTED}"`);
  });

  it("leaves ordinary text alone", () => {
    const s = "upstream HTTP 429 for claude-sonnet-4-5";
    expect(redactText(s)).toBe(s);
  });
});

describe("logger redaction", () => {
  it("never writes secrets in json lines", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) });
    log.info("calling with Bearer abcdefghijklmnop", { authorization: "Bearer abcdefghijklmnop", model: "m" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("abcdefghijklmnop");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", model: "m", authorization: REDACTED });
  });
});
