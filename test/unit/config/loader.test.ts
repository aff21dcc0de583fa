import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, type LoadOptions } from "../../../src/config/index.ts";
import { createSandbox, FIXTURES, type Sandbox } from "../../helpers/config-sandbox.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

const LAYERS = ["system", "user", "file", "dotenv", "env", "flags"] as const;
type LayerName = (typeof LAYERS)[number];

/** Puts `server.port = port` into one layer; returns the load options and the expected source label. */
function setPort(layer: LayerName, port: number, opts: LoadOptions): string {
  switch (layer) {
    case "system":
      return sb.write(sb.systemFile, `[server]\nport = ${port}\n`);
    case "user":
      return sb.write(sb.userFile, `[server]\nport = ${port}\n`);
    case "file":
      opts.configFile = sb.write("explicit/modelmux.toml", `[server]\nport = ${port}\n`);
      return opts.configFile;
    case "dotenv":
      sb.write(join(sb.cwd, ".env"), `MODELMUX_SERVER_PORT=${port}\n`);
      return ".env MODELMUX_SERVER_PORT";
    case "env":
      opts.env = { ...opts.env, MODELMUX_SERVER_PORT: String(port) };
      return "env MODELMUX_SERVER_PORT";
    case "flags":
      opts.flags = { port };
      return "flag --port";
  }
}

describe("precedence (every pair of layers)", () => {
  const pairs: Array<[LayerName, LayerName]> = [];
  for (let i = 0; i < LAYERS.length; i++) for (let j = i + 1; j < LAYERS.length; j++) pairs.push([LAYERS[i]!, LAYERS[j]!]);

  it.each(pairs)("%s < %s", (low, high) => {
    const opts: LoadOptions = {};
    setPort(low, 1111, opts);
    const source = setPort(high, 2222, opts);
    const r = sb.inspect(opts);
    expect(r.problems.filter((p) => p.level === "error")).toEqual([]);
    expect(r.config.server.port).toBe(2222);
    expect(r.sources["server.port"]).toBe(source);
  });

  it.each(LAYERS)("%s beats the default", (layer) => {
    const opts: LoadOptions = {};
    const source = setPort(layer, 4321, opts);
    const r = sb.inspect(opts);
    expect(r.config.server.port).toBe(4321);
    expect(r.sources["server.port"]).toBe(source);
  });

  it("labels untouched keys as default and unset optional keys as unset", () => {
    const r = sb.inspect();
    expect(r.config.server.port).toBe(3000);
    expect(r.sources["server.port"]).toBe("default");
    expect(r.sources["vertex.project"]).toBe("unset");
  });
});

describe("merging", () => {
  it("merges key by key across files, each key keeping its own source", () => {
    sb.write(sb.systemFile, `[server]\nport = 8080\nlog_level = "warn"\n[streaming]\nmode = "never"\n`);
    sb.write(sb.userFile, `[server]\nport = 3000\n`);
    const r = sb.inspect();
    // The user file can set the port back to the default value (the Rust original could not).
    expect(r.config.server.port).toBe(3000);
    expect(r.sources["server.port"]).toBe(sb.userFile);
    expect(r.config.server.log_level).toBe("warn");
    expect(r.sources["server.log_level"]).toBe(sb.systemFile);
    expect(r.config.streaming.mode).toBe("never");
  });

  it("keeps [vertex] keys from lower layers when a higher layer sets only some", () => {
    sb.write(sb.systemFile, `[vertex]\nproject = "sys-proj"\nregion = "us-east5"\nmodel = "claude-sonnet-4-5@20250929"\n`);
    const r = sb.inspect({ env: { VERTEX_REGION: "global" } });
    expect(r.config.vertex).toMatchObject({ provider: "vertex", project: "sys-proj", region: "global", model: "claude-sonnet-4-5@20250929" });
    expect(r.sources["vertex.region"]).toBe("env VERTEX_REGION");
  });

  it("replaces arrays rather than concatenating them", () => {
    sb.write(sb.systemFile, `[server]\ncors_origins = ["https://a.example", "https://b.example"]\n`);
    const r = sb.inspect({ env: { MODELMUX_SERVER_CORS_ORIGINS: "https://c.example" } });
    expect(r.config.server.cors_origins).toEqual(["https://c.example"]);
  });

  it("loads the full fixture, resolving the key file next to the config file", () => {
    mkdirSync(join(sb.root, "cfg"));
    copyFileSync(join(FIXTURES, "full.toml"), join(sb.root, "cfg", "full.toml"));
    sb.write("cfg/sa-key.json", readFileSync(join(FIXTURES, "sa-key.json"), "utf8"));
    const c = loadConfig({ env: sb.env, cwd: sb.cwd, configFile: join(sb.root, "cfg", "full.toml") });
    expect(c.server).toMatchObject({ port: 8080, log_level: "debug", enable_retries: false, max_retry_attempts: 5 });
    expect(c.auth.service_account_file).toBe(join(sb.root, "cfg", "sa-key.json"));
    expect(c.streaming.mode).toBe("never");
    expect(c.vertex.models).toEqual([{ name: "opus", model: "claude-opus-4-1@20250805", region: "global" }]);
    expect(c.limits.default_max_tokens).toBe(8192);
  });

  it("accepts a file with any subset of sections", () => {
    copyFileSync(join(FIXTURES, "partial.toml"), join(sb.cwd, "p.toml"));
    const c = loadConfig({ env: sb.env, cwd: sb.cwd, configFile: "p.toml" });
    expect(c.streaming.mode).toBe("buffered");
    expect(c.server.port).toBe(3000);
  });
});

describe("file locations", () => {
  it("prefers $XDG_CONFIG_HOME over ~/.config and reports the other as shadowed", () => {
    const xdg = join(sb.root, "xdg");
    sb.write(join(xdg, "modelmux", "config.toml"), `[server]\nport = 1001\n`);
    sb.write(sb.userFile, `[server]\nport = 1002\n`);
    const r = sb.inspect({ env: { XDG_CONFIG_HOME: xdg } });
    expect(r.config.server.port).toBe(1001);
    expect(r.files.find((f) => f.path === sb.userFile)?.status).toBe("shadowed");
    expect(r.writePath).toBe(join(xdg, "modelmux", "config.toml"));
  });

  it("falls back to ~/.config when the XDG file is missing", () => {
    sb.write(sb.userFile, `[server]\nport = 1002\n`);
    const r = sb.inspect({ env: { XDG_CONFIG_HOME: join(sb.root, "xdg") } });
    expect(r.config.server.port).toBe(1002);
  });

  it("reads the macOS legacy Application Support location only on darwin", () => {
    const legacy = join(sb.home, "Library", "Application Support", "com.SkyCorp.modelmux", "config.toml");
    sb.write(legacy, `[server]\nport = 1003\n`);
    expect(sb.inspect({ platform: "darwin" }).config.server.port).toBe(1003);
    expect(sb.inspect({ platform: "linux" }).config.server.port).toBe(3000);
  });

  it("takes --config from MODELMUX_CONFIG", () => {
    const f = sb.write("elsewhere.toml", `[server]\nport = 1004\n`);
    expect(sb.inspect({ env: { MODELMUX_CONFIG: f } }).config.server.port).toBe(1004);
  });

  it("errors when the --config file does not exist", () => {
    const r = sb.inspect({ configFile: "nope.toml" });
    expect(r.problems).toContainEqual(expect.objectContaining({ level: "error", key: "--config", message: expect.stringContaining("does not exist") }));
  });

  it("looks for no user file when there is no home", () => {
    const r = sb.inspect({ env: { HOME: undefined } });
    expect(r.files.filter((f) => f.kind === "user")).toEqual([]);
  });
});

describe(".env", () => {
  it("is read from the working directory with compatibility names", () => {
    sb.write(join(sb.cwd, ".env"), `# comment\nexport VERTEX_PROJECT=dot-proj\nVERTEX_REGION="us-east5"\nVERTEX_MODEL_ID='claude-sonnet-4-5@20250929' # trailing\n`);
    const r = sb.inspect();
    expect(r.config.vertex).toMatchObject({ provider: "vertex", project: "dot-proj", region: "us-east5", model: "claude-sonnet-4-5@20250929" });
    expect(r.sources["vertex.project"]).toBe(".env VERTEX_PROJECT");
  });

  it("never overrides the real environment, even under another name", () => {
    sb.write(join(sb.cwd, ".env"), `MODELMUX_VERTEX_PROJECT=from-dotenv\nMODELMUX_SERVER_PORT=5000\n`);
    const r = sb.inspect({ env: { VERTEX_PROJECT: "from-env", PORT: "6000" } });
    expect(r.config.vertex.project).toBe("from-env");
    expect(r.config.server.port).toBe(6000);
  });

  it("treats variables Bun copied from .env as coming from .env", () => {
    sb.write(join(sb.cwd, ".env"), `MODELMUX_VERTEX_PROJECT=from-dotenv\n`);
    // What `bun run` does: the .env values are already in process.env.
    const r = sb.inspect({ env: { MODELMUX_VERTEX_PROJECT: "from-dotenv", VERTEX_PROJECT: "real" } });
    expect(r.config.vertex.project).toBe("real");
    expect(r.sources["vertex.project"]).toBe("env VERTEX_PROJECT");
  });

  it("beats config files", () => {
    sb.write(sb.userFile, `[vertex]\nproject = "file-proj"\n`);
    sb.write(join(sb.cwd, ".env"), `VERTEX_PROJECT=dot-proj\n`);
    expect(sb.inspect().config.vertex.project).toBe("dot-proj");
  });

  it("can be switched off", () => {
    sb.write(join(sb.cwd, ".env"), `MODELMUX_SERVER_PORT=5000\n`);
    expect(sb.inspect({ dotenv: false }).config.server.port).toBe(3000);
  });

  it("warns about unparseable lines", () => {
    sb.write(join(sb.cwd, ".env"), `this is not a var\nMODELMUX_SERVER_PORT=5000\n`);
    const r = sb.inspect();
    expect(r.config.server.port).toBe(5000);
    expect(r.problems).toContainEqual(expect.objectContaining({ level: "warning", key: ".env", message: expect.stringContaining("line 1") }));
  });
});

describe("environment", () => {
  it("maps MODELMUX_<SECTION>_<KEY> for every kind of value", () => {
    const r = sb.inspect({
      env: {
        MODELMUX_SERVER_ENABLE_RETRIES: "off",
        MODELMUX_STREAMING_BUFFER_SIZE: "4096",
        MODELMUX_STREAMING_MODE: "Non-Streaming",
        MODELMUX_VERTEX_BASE_URL: "http://127.0.0.1:9999/",
        MODELMUX_AUTH_ACCESS_TOKEN: "ya29.test",
        MODELMUX_LIMITS_DEFAULT_MAX_TOKENS: "1000",
        MODELMUX_SERVER_CORS_ORIGINS: '["https://a.example","https://b.example"]',
        MODELMUX_VERTEX_MODELS: '[{"name":"opus","model":"claude-opus-4-1@20250805"}]',
        MODELMUX_VERTEX_PROVIDER: "mock",
        MODELMUX_SERVER_LOG_LEVEL: "WARNING",
      },
    });
    expect(r.problems.filter((p) => p.level === "error")).toEqual([]);
    const c = r.config;
    expect(c.server.enable_retries).toBe(false);
    expect(c.streaming.buffer_size).toBe(4096);
    expect(c.streaming.mode).toBe("never");
    expect(c.vertex.base_url).toBe("http://127.0.0.1:9999");
    expect(c.auth.access_token).toBe("ya29.test");
    expect(c.limits.default_max_tokens).toBe(1000);
    expect(c.server.cors_origins).toEqual(["https://a.example", "https://b.example"]);
    expect(c.vertex.models).toEqual([{ name: "opus", model: "claude-opus-4-1@20250805" }]);
    expect(c.server.log_level).toBe("warn");
  });

  it("prefers MODELMUX_ names over compatibility names", () => {
    const r = sb.inspect({ env: { MODELMUX_SERVER_PORT: "7000", PORT: "7001", LOG_LEVEL: "debug" } });
    expect(r.config.server.port).toBe(7000);
    expect(r.config.server.log_level).toBe("debug");
    expect(r.sources["server.log_level"]).toBe("env LOG_LEVEL");
  });

  it("treats empty variables as unset", () => {
    expect(sb.inspect({ env: { MODELMUX_SERVER_PORT: "" } }).config.server.port).toBe(3000);
  });

  it("decodes the original's base64 GCP_SERVICE_ACCOUNT_KEY", () => {
    const json = readFileSync(join(FIXTURES, "sa-key.json"), "utf8");
    const r = sb.inspect({ env: { GCP_SERVICE_ACCOUNT_KEY: Buffer.from(json).toString("base64") } });
    expect(JSON.parse(r.config.auth.service_account_json!).client_email).toContain("@");
  });

  it("expands ~ and $VARS in paths", () => {
    const r = sb.inspect({ env: { KEYS_DIR: "/srv/keys", MODELMUX_AUTH_SERVICE_ACCOUNT_FILE: "$KEYS_DIR/sa.json" } });
    expect(r.config.auth.service_account_file).toBe("/srv/keys/sa.json");
    sb.write(sb.userFile, `[auth]\nservice_account_file = "~/keys/sa.json"\n`);
    expect(sb.inspect().config.auth.service_account_file).toBe(join(sb.home, "keys/sa.json"));
  });

  it("warns about unknown MODELMUX_ variables with a suggestion", () => {
    const r = sb.inspect({ env: { MODELMUX_SERVER_PROT: "1" } });
    expect(r.problems).toContainEqual(expect.objectContaining({ level: "warning", message: expect.stringContaining("did you mean MODELMUX_SERVER_PORT?") }));
  });

  it("flags override everything and are labelled", () => {
    const r = sb.inspect({ env: { MODELMUX_SERVER_HOST: "127.0.0.2" }, flags: { host: "127.0.0.3", logLevel: "error", logFormat: "json" } });
    expect(r.config.server).toMatchObject({ host: "127.0.0.3", log_level: "error", log_format: "json" });
    expect(r.sources["server.host"]).toBe("flag --host");
  });
});

describe("loadConfig", () => {
  it("throws a ConfigError listing every error with key and source", () => {
    let err: unknown;
    try {
      loadConfig({ env: { ...sb.env, MODELMUX_SERVER_PORT: "99999", MODELMUX_STREAMING_MODE: "sometimes" }, cwd: sb.cwd });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => [p.key, p.source])).toEqual([
      ["server.port", "env MODELMUX_SERVER_PORT"],
      ["streaming.mode", "env MODELMUX_STREAMING_MODE"],
    ]);
    expect((err as Error).message).toContain("server.port (env MODELMUX_SERVER_PORT)");
  });

  it("falls back to the next valid layer in the best-effort config", () => {
    sb.write(sb.userFile, `[server]\nport = 4000\n`);
    const r = sb.inspect({ env: { MODELMUX_SERVER_PORT: "nope" } });
    expect(r.config.server.port).toBe(4000);
    expect(r.top.get("server.port")).toEqual({ value: "nope", source: "env MODELMUX_SERVER_PORT", invalid: expect.any(String) });
  });
});
