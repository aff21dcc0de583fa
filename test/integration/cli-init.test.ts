/** `modelmux config init` driven through stdin and with --yes, and `modelmux config edit` with a scripted editor. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { type CliSandbox, createCliSandbox } from "./cli-harness.ts";

let sb: CliSandbox;
beforeEach(() => {
  sb = createCliSandbox();
});
afterEach(() => sb.cleanup());

const readToml = (p: string) => parse(readFileSync(p, "utf8")) as Record<string, Record<string, unknown>>;
const mode = (p: string) => statSync(p).mode & 0o777;

describe("config init (answers on stdin)", () => {
  it("asks for provider, project, region, model, credentials, port, host, log level, streaming", async () => {
    const key = sb.write("keys/sa.json", readFileSync(join(import.meta.dir, "../fixtures/config/sa-key.json"), "utf8"));
    const answers = ["1", "my-project", "europe-west1", "claude-opus-4-1@20250805", "1", key, "8080", "", "debug", "never"].join("\n") + "\n";
    const r = await sb.run(["config", "init"], { stdin: answers });
    expect(r.code).toBe(0);
    for (const q of ["Upstream", "Google Cloud project id", "Region", "Default model", "Google credentials", "Key file path", "Port", "Bind address", "Log level", "Streaming"]) {
      expect(r.stdout).toContain(q);
    }
    expect(r.stdout).toContain(`Wrote ${sb.userFile}`);
    expect(mode(sb.userFile)).toBe(0o600);
    expect(mode(join(sb.home, ".config", "modelmux"))).toBe(0o700);
    const t = readToml(sb.userFile);
    expect(t.vertex).toEqual({ project: "my-project", region: "europe-west1", model: "claude-opus-4-1@20250805" });
    expect(t.auth).toEqual({ service_account_file: key });
    expect(t.server).toEqual({ port: 8080, host: "127.0.0.1", log_level: "debug" });
    expect(t.streaming).toEqual({ mode: "never" });
    // The file documents itself and validates.
    expect(readFileSync(sb.userFile, "utf8")).toContain("# [[vertex.models]]");
    const v = await sb.run(["config", "validate"]);
    expect(v.code).toBe(0);
  });

  it("takes defaults on empty lines (ADC when no key file exists) and suggests gcloud's project", async () => {
    sb.write(join(sb.home, ".config/gcloud/configurations/config_default"), "[core]\naccount = me@example.com\nproject = gcloud-project\n");
    const r = await sb.run(["config", "init"], { stdin: "\n".repeat(12) });
    expect(r.code).toBe(0);
    const t = readToml(sb.userFile);
    expect(t.vertex).toEqual({ project: "gcloud-project", region: "global", model: "claude-sonnet-4-5@20250929" });
    expect(t.auth).toEqual({});
    expect(r.stdout).toContain("Application Default Credentials");
  });

  it("re-asks on invalid answers", async () => {
    const r = await sb.run(["config", "init"], { stdin: ["9", "vertex", "", "my-project", "", "", "2", "http", "99999", "3001", "", "", ""].join("\n") + "\n" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("please enter a number from 1 to 2");
    expect(r.stdout).toContain("a project id is required");
    expect(r.stdout).toContain("must be a number from 0 to 65535");
    expect(readToml(sb.userFile).server!.port).toBe(3001);
  });

  it("generates an API key when binding a non-loopback address", async () => {
    const r = await sb.run(["config", "init"], { stdin: ["2", "", "0.0.0.0", "1", "", ""].join("\n") + "\n" });
    expect(r.code).toBe(0);
    const key = /API key for clients[^:]*: (sk-mm-\S+)/.exec(r.stdout)?.[1];
    expect(key).toBeDefined();
    const t = readToml(sb.userFile) as { auth: { api_keys: Array<{ name: string; sha256: string }> }; vertex: unknown };
    expect(t.vertex).toEqual({ provider: "mock" });
    expect(t.auth.api_keys).toEqual([{ name: "default", sha256: createHash("sha256").update(key!).digest("hex") }]);
    expect(readFileSync(sb.userFile, "utf8")).not.toContain(key!);
  });

  it("refuses to overwrite without confirmation", async () => {
    sb.write(sb.userFile, "[server]\nport = 1234\n");
    const no = await sb.run(["config", "init"], { stdin: "n\n" });
    expect(no.code).toBe(0);
    expect(no.stdout).toContain("already exists");
    expect(no.stdout).toContain("Nothing written.");
    expect(readFileSync(sb.userFile, "utf8")).toBe("[server]\nport = 1234\n");
    const eof = await sb.run(["config", "init"], { stdin: "" });
    expect(readFileSync(sb.userFile, "utf8")).toBe("[server]\nport = 1234\n");
    expect(eof.stdout).toContain("Nothing written.");
    const yes = await sb.run(["config", "init"], { stdin: "y\n2\n\n\n\n\n" });
    expect(yes.code).toBe(0);
    // The old port was offered as the default and kept.
    expect(readToml(sb.userFile).server!.port).toBe(1234);
  });

  it("stops cleanly when input ends before a required answer", async () => {
    const r = await sb.run(["config", "init"], { stdin: "1\n" });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("nothing written");
  });
});

describe("config init --yes (non-interactive)", () => {
  it("writes from flags without asking", async () => {
    const r = await sb.run(["config", "init", "--yes", "--project", "my-project", "--region", "us-east5", "--model", "claude-sonnet-4-5@20250929", "--adc", "--port", "9000", "--streaming-mode", "non-streaming"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("?");
    const t = readToml(sb.userFile);
    expect(t.vertex).toEqual({ project: "my-project", region: "us-east5", model: "claude-sonnet-4-5@20250929" });
    expect(t.server!.port).toBe(9000);
    expect(t.streaming).toEqual({ mode: "never" });
  });

  it("needs a project (or --provider mock)", async () => {
    const r = await sb.run(["config", "init", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--project is required with --yes");
    const mock = await sb.run(["config", "init", "--yes", "--provider", "mock"]);
    expect(mock.code).toBe(0);
  });

  it("rejects invalid flag values before writing", async () => {
    const r = await sb.run(["config", "init", "--yes", "--provider", "mock", "--log-level", "verbose"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--log-level must be one of");
  });

  it("does not overwrite without --force, and writes to --config FILE", async () => {
    const f = join(sb.root, "etc-like", "modelmux.toml");
    expect((await sb.run(["config", "init", "--yes", "--provider", "mock", "--config", f])).code).toBe(0);
    expect(mode(f)).toBe(0o600);
    const again = await sb.run(["config", "init", "--yes", "--provider", "mock", "--config", f]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists; pass --force");
    expect((await sb.run(["config", "init", "--yes", "--provider", "mock", "--config", f, "--force", "--port", "3333"])).code).toBe(0);
    expect(readToml(f).server!.port).toBe(3333);
  });
});

describe("config edit", () => {
  const editor = (body: string) => sb.write("bin/fake-editor", `#!/bin/sh\n${body}\n`, 0o755);

  it("creates a documented template, runs $EDITOR on it and validates the result", async () => {
    const ed = editor(`sed 's/^# port = 3000$/port = 4444/' "$1" > "$1.new" && cat "$1.new" > "$1" && rm "$1.new"`);
    const r = await sb.run(["config", "edit"], { env: { EDITOR: ed } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Created ${sb.userFile}`);
    expect(r.stdout).toContain("is valid");
    expect(mode(sb.userFile)).toBe(0o600);
    const text = readFileSync(sb.userFile, "utf8");
    expect(text).toContain("# Minimum for Vertex AI");
    expect(readToml(sb.userFile).server!.port).toBe(4444);
  });

  it("prefers $VISUAL and reports errors after editing (exit 1)", async () => {
    sb.write(sb.userFile, "[server]\nport = 1\n");
    const visual = editor(`printf '[server]\\nprot = 2\\n' > "$1"`);
    const r = await sb.run(["config", "edit"], { env: { VISUAL: visual, EDITOR: "/nonexistent-editor" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('did you mean "port"?');
  });

  it("reports a failing editor", async () => {
    const r = await sb.run(["config", "edit"], { env: { EDITOR: editor("exit 3") } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exited with status 3");
  });
});
