import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenSource } from "../../../src/auth/index.ts";
import { UpstreamError } from "../../../src/errors.ts";
import type { Logger } from "../../../src/observability/logger.ts";
import { makeServiceAccountKey } from "../../helpers/sa-key.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "modelmux-auth-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const l = {
    lines,
    trace() {},
    debug() {},
    info: (m: string) => void lines.push(`info ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
    withTag: () => l,
    enabled: () => true,
  };
  return l;
}

function credErr(fn: () => unknown): UpstreamError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UpstreamError);
    expect((e as UpstreamError).kind).toBe("credentials");
    return e as UpstreamError;
  }
  throw new Error("expected a credentials error");
}

describe("createTokenSource", () => {
  it("access_token → a static source (Bearer prefix stripped); invalidate warns what to do", async () => {
    const log = capture();
    const ts = createTokenSource({ access_token: " Bearer ya29.abc ", api_keys: [] }, { logger: log });
    expect(await ts.getToken()).toBe("ya29.abc");
    expect(ts.describe()).toBe("static access token (auth.access_token)");
    ts.invalidate("ya29.abc");
    ts.invalidate("ya29.abc");
    expect(await ts.getToken()).toBe("ya29.abc");
    expect(log.lines.filter((l) => l.startsWith("warn")).length).toBe(1);
    expect(log.lines[0]).toMatch(/expire/);
  });

  it("service_account_json → a service-account source", () => {
    const key = makeServiceAccountKey();
    const ts = createTokenSource({ service_account_json: key.text, api_keys: [] });
    expect(ts.describe()).toBe(`service account ${key.email} (auth.service_account_json)`);
  });

  it("service_account_file → reads and parses the file", () => {
    const key = makeServiceAccountKey();
    const file = join(dir, "key.json");
    writeFileSync(file, key.text);
    const ts = createTokenSource({ service_account_file: file, api_keys: [] });
    expect(ts.describe()).toBe(`service account ${key.email} (auth.service_account_file ${file})`);
  });

  it("nothing set → Application Default Credentials (lazy, nothing resolved yet)", () => {
    expect(createTokenSource({ api_keys: [] }).describe()).toBe("Application Default Credentials");
  });

  it("warns about ignored settings when several are set", () => {
    const log = capture();
    const key = makeServiceAccountKey();
    createTokenSource({ access_token: "t", service_account_json: key.text, api_keys: [] }, { logger: log });
    expect(log.lines).toEqual(["warn auth.access_token is set; ignoring auth.service_account_json"]);
  });

  it("explains a missing key file", () => {
    const e = credErr(() => createTokenSource({ service_account_file: join(dir, "nope.json"), api_keys: [] }));
    expect(e.body).toMatch(/nope\.json: cannot read the key \(file not found\)/);
  });

  it("rejects invalid JSON without echoing it", () => {
    const e = credErr(() => createTokenSource({ service_account_json: '{"private_key":"SECRET', api_keys: [] }));
    expect(e.body).toMatch(/auth\.service_account_json: not valid JSON/);
    expect(e.body).not.toContain("SECRET");
  });

  it("rejects keys without client_email / with a broken private_key", () => {
    const key = makeServiceAccountKey();
    const noEmail = { ...key.json, client_email: "" };
    expect(credErr(() => createTokenSource({ service_account_json: JSON.stringify(noEmail), api_keys: [] })).body).toMatch(/client_email/);
    const badPem = { ...key.json, private_key: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n" };
    const e = credErr(() => createTokenSource({ service_account_json: JSON.stringify(badPem), api_keys: [] }));
    expect(e.body).toMatch(/private_key is not a valid PEM/);
    expect(e.body).not.toContain("nope");
  });

  it("points other credential types at ADC", () => {
    const ext = { type: "external_account", audience: "//iam.googleapis.com/x", token_url: "http://127.0.0.1:1/t" };
    const e = credErr(() => createTokenSource({ service_account_json: JSON.stringify(ext), api_keys: [] }));
    expect(e.body).toMatch(/external_account.*GOOGLE_APPLICATION_CREDENTIALS/);
  });

  it("accepts gcloud authorized_user JSON", () => {
    const user = { type: "authorized_user", client_id: "c", client_secret: "s", refresh_token: "r" };
    expect(createTokenSource({ service_account_json: JSON.stringify(user), api_keys: [] }).describe()).toBe(
      "user credentials (auth.service_account_json)",
    );
  });

  it("rejects an empty static token", () => {
    // a blank value counts as unset (→ ADC); a bare "Bearer " is a mistake worth reporting
    expect(credErr(() => createTokenSource({ access_token: "Bearer ", api_keys: [] })).body).toMatch(/empty/);
  });
});
