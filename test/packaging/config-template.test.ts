/**
 * /etc/modelmux/config.toml as shipped by the .deb: it parses, it selects Vertex without a project, so
 * an unconfigured service refuses to start (the only errors are the missing Vertex fields), and every
 * commented example is a real key with a valid value type (uncommenting one never yields "unknown key").
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { inspectConfig } from "../../src/config/index.ts";
import { REPO, tmp } from "./support.ts";

const TEMPLATE = join(REPO, "packaging", "deb", "config.toml");

function inspect(file: string) {
  return inspectConfig({ configFile: file, env: {}, files: false, dotenv: false, cwd: "/", home: "/nonexistent" });
}

describe("deb config template", () => {
  test("as shipped: provider vertex, and only the missing Vertex fields are errors", () => {
    const r = inspect(TEMPLATE);
    expect(r.config.vertex.provider).toBe("vertex");
    expect(r.config.server.host).toBe("127.0.0.1");
    const errors = r.problems.filter((p) => p.level === "error").map((p) => p.key).sort();
    expect(errors).toEqual(["vertex.model", "vertex.project", "vertex.region"]);
  });

  test("every commented example is a known key (uncommented, nothing is unknown or mistyped)", async () => {
    const text = await Bun.file(TEMPLATE).text();
    const uncommented = text
      .split("\n")
      .map((l) => /^# ((\[\[?[a-z_.]+\]\]?)|([a-z_0-9]+ = .*))$/.exec(l)?.[1] ?? l)
      .join("\n");
    expect(uncommented).not.toBe(text);
    const file = join(await tmp(), "uncommented.toml");
    await Bun.write(file, uncommented);
    const r = inspect(file);
    // Placeholder credentials are expected to fail their own checks; structure must not.
    const structural = r.problems.filter((p) => p.level === "error" && !p.key.startsWith("auth.service_account"));
    expect(structural.map((p) => `${p.key}: ${p.message}`)).toEqual([]);
    expect(r.config.vertex.models.map((m) => m.name)).toEqual(["claude-opus"]);
    expect(r.config.auth.api_keys.map((k) => k.name)).toEqual(["team-a"]);
    expect(r.config.streaming.rules).toEqual([{ pattern: "curl", mode: "never" }]);
  });
});
