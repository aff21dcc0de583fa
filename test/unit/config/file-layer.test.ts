import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileLayer } from "../../../src/config/layers.ts";
import { FIXTURES } from "../../helpers/config-sandbox.ts";

const ctx = { env: {}, home: "/home/u" };
const layer = (text: string) => fileLayer("user", "/cfg/config.toml", text, ctx);

describe("fileLayer", () => {
  it("reports unknown keys, sections and misplaced keys with suggestions", () => {
    const l = fileLayer("user", "/cfg/unknown.toml", readFileSync(join(FIXTURES, "unknown-keys.toml"), "utf8"), ctx);
    const msgs = l.problems.map((p) => `${p.level} ${p.key}: ${p.message} | ${p.fix}`);
    expect(msgs).toEqual([
      'error port: "port" is outside any section | move it under [server]',
      'error sever: unknown section "sever" (did you mean [server]?) | rename it to [server]',
      'error server.prot: unknown key "prot" in [server] (did you mean "port"?) | rename it to port',
      'error server.log_level: must be one of trace, debug, info, warn, error, got "verbose" | in /cfg/unknown.toml, under [server]: log_level = "info"',
      'warning vertex.project_id: "project_id" is a deprecated spelling | rename it to "project"',
    ]);
    expect(l.problems.every((p) => p.source === "/cfg/unknown.toml")).toBe(true);
    expect(l.entries.get("vertex.project")?.value).toBe("legacy-project");
  });

  it("lists the valid keys when nothing is close", () => {
    const l = layer(`[limits]\nzzzzzzzz = 1\n`);
    expect(l.problems[0]?.fix).toContain("default_max_tokens");
  });

  it("reports TOML syntax errors with line and column", () => {
    const l = layer(readFileSync(join(FIXTURES, "invalid-syntax.toml"), "utf8"));
    expect(l.problems).toHaveLength(1);
    expect(l.problems[0]!.message).toMatch(/not valid TOML at line 2, column \d+/);
  });

  it("is strict about TOML types", () => {
    const l = layer(`[server]\nport = "3000"\nenable_retries = "yes"\n[streaming]\nbuffer_size = 1.5\n`);
    expect(l.problems.map((p) => p.key)).toEqual(["server.port", "server.enable_retries", "streaming.buffer_size"]);
    expect(l.problems[0]!.message).toBe('must be a whole number between 0 and 65535, got the string "3000"');
  });

  it("checks [[vertex.models]] entries", () => {
    const l = layer(`[[vertex.models]]\nname = "opus"\nmodle = "x"\n`);
    expect(l.problems[0]!.message).toBe('entry 1: unknown key "modle" (did you mean "model"?); allowed: name, model, project, region, location, publisher, thinking_style, max_tokens');
    const l2 = layer(`[[vertex.models]]\nname = "opus"\n`);
    expect(l2.problems[0]!.message).toBe('entry 1: "model" is required');
  });

  it("checks [[auth.api_keys]] and [[streaming.rules]] entries", () => {
    const l = layer(`[[auth.api_keys]]\nname = "k"\nsha256 = "abc"\n[[streaming.rules]]\npattern = "x"\nmode = "auto"\n`);
    expect(l.problems.map((p) => p.message)).toEqual([
      'entry 1: "sha256" must be 64 hex characters (SHA-256 of the key)',
      'entry 1: "mode" must be one of never, standard, buffered, always, got the string "auto"',
    ]);
  });

  it("rejects a section written as a value", () => {
    expect(layer(`server = 3\n`).problems[0]!.message).toBe("[server] must be a table");
  });
});
