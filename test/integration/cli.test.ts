/** The CLI as a subprocess: --version, --help, argument errors, `config path`, `config show`, `config validate`. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { type CliSandbox, createCliSandbox } from "./cli-harness.ts";

let sb: CliSandbox;
beforeEach(() => {
  sb = createCliSandbox();
});
afterEach(() => sb.cleanup());

const VERTEX_ENV = { VERTEX_PROJECT: "my-project", VERTEX_REGION: "us-east5", VERTEX_MODEL_ID: "claude-sonnet-4-5@20250929", MODELMUX_AUTH_ACCESS_TOKEN: "ya29.secret-token-value" };

describe("modelmux --version / --help", () => {
  it.each([["--version"], ["-V"], ["-v"]])("%s prints `modelmux X.Y.Z`", async (flag) => {
    const r = await sb.run([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`modelmux ${pkg.version}\n`);
  });

  it.each([["--help"], ["-h"]])("%s lists usage, options, commands and environment variables", async (flag) => {
    const r = await sb.run([flag]);
    expect(r.code).toBe(0);
    for (const s of ["USAGE", "OPTIONS", "COMMANDS", "ENVIRONMENT VARIABLES", "--port", "--config", "--log-format", "serve", "config", "doctor", "MODELMUX_SERVER_PORT", "MODELMUX_VERTEX_BASE_URL", "VERTEX_PROJECT", "LLM_PROVIDER", "MODELMUX_CONFIG"]) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).not.toContain("\u001B["); // no colour codes when piped
  });

  it("config --help lists the config subcommands", async () => {
    const r = await sb.run(["config", "--help"]);
    expect(r.code).toBe(0);
    for (const s of ["init", "show", "validate", "edit", "path"]) expect(r.stdout).toContain(s);
  });

  it("rejects unknown commands and options with a suggestion", async () => {
    const cmd = await sb.run(["frobnicate"]);
    expect(cmd.code).toBe(1);
    expect(cmd.out).toContain("Unknown command");
    const opt = await sb.run(["serve", "--prot", "8080"]);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain("unknown option --prot (did you mean --port?)");
    const before = await sb.run(["--bogus", "config", "path"]);
    expect(before.code).toBe(1);
  });

  it("applies flags given before the subcommand", async () => {
    const f = sb.write("custom.toml", "[server]\nport = 4567\n");
    const r = await sb.run(["--config", f, "config", "show", "--json"]);
    expect(JSON.parse(r.stdout).values["server.port"]).toEqual({ value: 4567, source: f });
  });
});

describe("modelmux config path", () => {
  it("prints the user file, honouring XDG_CONFIG_HOME", async () => {
    expect((await sb.run(["config", "path"])).stdout).toBe(sb.userFile + "\n");
    const xdg = join(sb.root, "xdg");
    expect((await sb.run(["config", "path"], { env: { XDG_CONFIG_HOME: xdg } })).stdout).toBe(join(xdg, "modelmux", "config.toml") + "\n");
  });

  it("--all lists every file with its status", async () => {
    sb.write(sb.userFile, "[server]\nport = 3001\n");
    const r = await sb.run(["config", "path", "--all"]);
    expect(r.stdout).toContain(`system  missing   ${sb.systemFile}`);
    expect(r.stdout).toContain(`user    loaded    ${sb.userFile}`);
  });
});

describe("modelmux config show", () => {
  it("shows every value with its source and redacts secrets", async () => {
    sb.write(sb.systemFile, "[server]\nport = 8080\n");
    sb.write(join(sb.cwd, ".env"), "MODELMUX_SERVER_LOG_LEVEL=debug\n");
    const r = await sb.run(["config", "show"], { env: VERTEX_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`port = 8080\\s+# ${sb.systemFile.replaceAll("/", "\\/")}`));
    expect(r.stdout).toMatch(/log_level = "debug"\s+# \.env MODELMUX_SERVER_LOG_LEVEL/);
    expect(r.stdout).toMatch(/project = "my-project"\s+# env VERTEX_PROJECT/);
    expect(r.stdout).toMatch(/host = "127.0.0.1"\s+# default/);
    expect(r.stdout).toContain("[REDACTED]");
    expect(r.out).not.toContain("secret-token-value");
  });

  it("works on an invalid, partial config and shows what is wrong", async () => {
    sb.write(sb.userFile, '[server]\nprot = 1\n[vertex]\nproject = "p-only-project"\n');
    const r = await sb.run(["config", "show"], { env: { MODELMUX_SERVER_PORT: "abc" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('unknown key "prot" in [server] (did you mean "port"?)');
    expect(r.stdout).toContain('env MODELMUX_SERVER_PORT gave "abc"');
    expect(r.stdout).toContain("vertex.region");
    expect(r.stdout).toContain("is required for the Vertex provider");
  });

  it("--json gives values, sources, invalid entries and problems", async () => {
    const r = await sb.run(["config", "show", "--json"], { env: { ...VERTEX_ENV, PORT: "99999" } });
    const j = JSON.parse(r.stdout);
    expect(j.values["vertex.model"]).toEqual({ value: "claude-sonnet-4-5@20250929", source: "env VERTEX_MODEL_ID" });
    expect(j.values["server.port"]).toMatchObject({ value: 3000, source: "default", invalid: { value: "99999", source: "env PORT" } });
    expect(j.values["auth.access_token"].value).toStartWith("[REDACTED]");
    expect(j.valid).toBe(false);
    expect(r.stdout).not.toContain("secret-token-value");
  });
});

describe("modelmux config validate", () => {
  it("passes a valid config with exit 0 and shows warnings", async () => {
    const r = await sb.run(["config", "validate"], { env: { ...VERTEX_ENV, MODELMUX_SERVER_MAX_RETRY_ATTEMPTS: "20" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Configuration is valid");
    expect(r.stdout).toContain("warning server.max_retry_attempts (env MODELMUX_SERVER_MAX_RETRY_ATTEMPTS)");
  });

  it("reports every problem at once with key, source and fix, and exits 1", async () => {
    sb.write(sb.userFile, '[server]\nprot = 8080\nlog_level = "verbose"\n[streaming]\nmode = "bufferd"\n');
    const r = await sb.run(["config", "validate"], { env: { VERTEX_PROJECT: "my-project" } });
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toContain(`server.prot (${sb.userFile})`);
    expect(out).toContain('did you mean "port"?');
    expect(out).toContain('did you mean "buffered"?');
    expect(out).toContain("server.log_level");
    expect(out).toContain("vertex.region (unset)");
    expect(out).toContain("vertex.model (unset)");
    expect(out).toContain("fix:");
    expect(out).toContain("Configuration is invalid: 5 errors");
  });

  it("reports TOML syntax errors with the file and line", async () => {
    sb.write(sb.userFile, "[server\nport = 1\n");
    const r = await sb.run(["config", "validate"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(sb.userFile);
    expect(r.stdout).toMatch(/not valid TOML at line 1/);
  });

  it("--json is machine-readable", async () => {
    const r = await sb.run(["config", "validate", "--json"], { env: { MODELMUX_STREAMING_MODE: "sometimes" } });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.valid).toBe(false);
    expect(j.problems[0]).toMatchObject({ level: "error", key: "streaming.mode", source: "env MODELMUX_STREAMING_MODE" });
  });

  it("is also available as `modelmux validate`", async () => {
    const r = await sb.run(["validate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Configuration is valid");
  });
});
