import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isLoopback } from "../../../src/config/validate.ts";
import { checkServiceAccountJson } from "../../../src/config/credentials.ts";
import { createSandbox, FIXTURES, type Sandbox } from "../../helpers/config-sandbox.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

const VERTEX = { VERTEX_PROJECT: "my-project", VERTEX_REGION: "us-east5", VERTEX_MODEL_ID: "claude-sonnet-4-5@20250929" };
const SA = readFileSync(join(FIXTURES, "sa-key.json"), "utf8");
const errors = (r: ReturnType<Sandbox["inspect"]>) => r.problems.filter((p) => p.level === "error");
const warnings = (r: ReturnType<Sandbox["inspect"]>) => r.problems.filter((p) => p.level === "warning");

describe("provider selection", () => {
  it("defaults to the mock demo provider when no Vertex setting exists anywhere", () => {
    const r = sb.inspect();
    expect(r.config.vertex.provider).toBe("mock");
    expect(r.sources["vertex.provider"]).toBe("default (no Vertex settings)");
    expect(errors(r)).toEqual([]);
  });

  it("selects Vertex when all settings are present", () => {
    const r = sb.inspect({ env: { ...VERTEX, MODELMUX_AUTH_SERVICE_ACCOUNT_JSON: SA } });
    expect(r.config.vertex.provider).toBe("vertex");
    expect(errors(r)).toEqual([]);
  });

  it("reports a partial Vertex config naming what is missing (never a silent mock)", () => {
    const r = sb.inspect({ env: { VERTEX_PROJECT: "my-project" } });
    expect(r.config.vertex.provider).toBe("vertex");
    expect(errors(r).map((p) => p.key)).toEqual(["vertex.model", "vertex.region"]);
    expect(errors(r)[0]!.message).toContain("vertex.project from env VERTEX_PROJECT");
  });

  it("counts an invalid Vertex value as a Vertex setting", () => {
    sb.write(sb.userFile, `[vertex]\nproject = 42\n`);
    const r = sb.inspect();
    expect(r.config.vertex.provider).toBe("vertex");
  });

  it("respects an explicit LLM_PROVIDER=mock even with Vertex settings", () => {
    const r = sb.inspect({ env: { VERTEX_PROJECT: "my-project", LLM_PROVIDER: "mock" } });
    expect(r.config.vertex.provider).toBe("mock");
    expect(errors(r)).toEqual([]);
  });

  it("rejects an unknown provider with a suggestion", () => {
    const r = sb.inspect({ env: { LLM_PROVIDER: "vertx" } });
    expect(errors(r)[0]!.message).toContain('did you mean "vertex"?');
  });

  it("accepts [[vertex.models]] without a default model when project and region are inherited or given", () => {
    sb.write(sb.userFile, `[vertex]\nproject = "my-project"\n[[vertex.models]]\nname = "opus"\nmodel = "claude-opus-4-1@20250805"\nregion = "global"\n`);
    const r = sb.inspect({ env: { MODELMUX_AUTH_SERVICE_ACCOUNT_JSON: SA } });
    expect(errors(r)).toEqual([]);
  });

  it("names the entries that lack a region", () => {
    sb.write(sb.userFile, `[vertex]\nproject = "my-project"\n[[vertex.models]]\nname = "opus"\nmodel = "m"\n`);
    expect(errors(sb.inspect())[0]!.message).toContain("needed by opus");
  });

  it("rejects duplicate model names", () => {
    const r = sb.inspect({ env: { ...VERTEX, MODELMUX_VERTEX_MODELS: '[{"name":"a","model":"x"},{"name":"A","model":"y"}]' } });
    expect(errors(r).map((p) => p.key)).toContain("vertex.models");
  });
});

describe("server checks", () => {
  it("refuses a non-loopback host without API keys", () => {
    const r = sb.inspect({ flags: { host: "0.0.0.0" } });
    expect(errors(r)).toEqual([expect.objectContaining({ key: "server.host", source: "flag --host", fix: expect.stringContaining("allow_unauthenticated") })]);
  });

  it("allows it with allow_unauthenticated or an API key", () => {
    expect(errors(sb.inspect({ flags: { host: "0.0.0.0" }, env: { MODELMUX_SERVER_ALLOW_UNAUTHENTICATED: "yes" } }))).toEqual([]);
    const keys = JSON.stringify([{ name: "k", sha256: "a".repeat(64) }]);
    expect(errors(sb.inspect({ flags: { host: "0.0.0.0" }, env: { MODELMUX_AUTH_API_KEYS: keys } }))).toEqual([]);
  });

  it("rejects out-of-range ports and warns about privileged ones", () => {
    expect(errors(sb.inspect({ flags: { port: 70000 } }))[0]).toMatchObject({ key: "server.port", source: "flag --port" });
    expect(warnings(sb.inspect({ flags: { port: 80 } })).map((p) => p.key)).toContain("server.port");
  });

  it.each([["127.0.0.1", true], ["127.9.9.9", true], ["::1", true], ["[::1]", true], ["localhost", true], ["0.0.0.0", false], ["10.0.0.1", false], ["::", false]])(
    "isLoopback(%s) = %s",
    (h, want) => expect(isLoopback(h)).toBe(want),
  );
});

describe("credentials", () => {
  it("accepts a good key file and warns when others can read it", () => {
    const good = sb.write("keys/good.json", SA, 0o600);
    expect(sb.inspect({ env: { ...VERTEX, MODELMUX_AUTH_SERVICE_ACCOUNT_FILE: good } }).problems).toEqual([]);
    const loose = sb.write("keys/loose.json", SA, 0o644);
    const w = warnings(sb.inspect({ env: { ...VERTEX, MODELMUX_AUTH_SERVICE_ACCOUNT_FILE: loose } }));
    expect(w).toEqual([expect.objectContaining({ key: "auth.service_account_file", fix: `chmod 600 ${loose}` })]);
  });

  it("errors on a missing key file with a fix", () => {
    const r = sb.inspect({ env: { ...VERTEX, MODELMUX_AUTH_SERVICE_ACCOUNT_FILE: "/nonexistent/sa.json" } });
    expect(errors(r)).toEqual([expect.objectContaining({ key: "auth.service_account_file", source: "env MODELMUX_AUTH_SERVICE_ACCOUNT_FILE", fix: expect.stringContaining("gcloud iam service-accounts keys create") })]);
  });

  it.each([
    ["not json", "not valid JSON"],
    ["[]", "must be a JSON object"],
    ['{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com"}', "lacks private_key"],
    ['{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","private_key":"nope"}', "not a PEM private key"],
    ['{"type":"banana"}', 'has type "banana"'],
  ])("rejects inline JSON %s", (json, msg) => {
    const issues = checkServiceAccountJson(json);
    expect(issues[0]!.level).toBe("error");
    expect(issues[0]!.message).toContain(msg);
  });

  it("accepts other ADC credential types", () => {
    expect(checkServiceAccountJson('{"type":"authorized_user","client_id":"x","client_secret":"y","refresh_token":"z"}')).toEqual([]);
  });

  it("never puts key material in messages", () => {
    const r = sb.inspect({ env: { ...VERTEX, MODELMUX_AUTH_SERVICE_ACCOUNT_JSON: '{"private_key": "SECRET-KEY-MATERIAL"' } });
    expect(JSON.stringify(r.problems)).not.toContain("SECRET-KEY-MATERIAL");
  });

  it("warns that ADC will be used when no credentials are configured", () => {
    const r = sb.inspect({ env: VERTEX });
    expect(warnings(r)).toEqual([expect.objectContaining({ key: "auth", message: expect.stringContaining("Application Default Credentials") })]);
  });

  it("warns when a config file holding secrets is readable by others", () => {
    sb.write(sb.userFile, `[auth]\naccess_token = "ya29.x"\n`, 0o644);
    expect(warnings(sb.inspect()).some((p) => p.message.includes("holds secrets"))).toBe(true);
  });
});
