import { describe, expect, it } from "bun:test";
import { fileLayer } from "../../../src/config/layers.ts";
import { renderConfigToml } from "../../../src/config/template.ts";

const ctx = { env: {}, home: "/home/u" };

describe("renderConfigToml", () => {
  it("renders a fully commented template that parses cleanly to nothing", () => {
    const text = renderConfigToml({}, { header: ["modelmux configuration", "", "more"] });
    expect(text.startsWith("# modelmux configuration\n#\n# more\n")).toBe(true);
    const l = fileLayer("user", "/c.toml", text, ctx);
    expect(l.problems).toEqual([]);
    expect(l.entries.size).toBe(0);
    for (const s of ["[server]", "[auth]", "[vertex]", "[streaming]", "[limits]", "# [[vertex.models]]", "# [[auth.api_keys]]"]) expect(text).toContain(s);
  });

  it("round-trips values, including strings that need escaping and arrays of tables", () => {
    const values = {
      "server.port": 8080,
      "server.enable_retries": false,
      "server.cors_origins": ["https://a.example"],
      "auth.service_account_json": '{"type": "service_account",\n "private_key": "a\\nb"}',
      "vertex.project": "my-project",
      "vertex.models": [{ name: "opus", model: "claude-opus-4-1@20250805", region: "global" }],
      "auth.api_keys": [{ name: "k", sha256: "a".repeat(64) }],
      "streaming.mode": "never",
    };
    const l = fileLayer("user", "/c.toml", renderConfigToml(values), ctx);
    expect(l.problems).toEqual([]);
    expect(Object.fromEntries([...l.entries].map(([k, e]) => [k, e.value]))).toEqual(values);
  });
});
