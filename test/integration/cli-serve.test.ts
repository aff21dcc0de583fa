/** `modelmux serve` as a subprocess: listening URL, model routing over HTTP, config errors, signals, doctor. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { googleErrorReply, type FakeVertex, startFakeVertex } from "../helpers/fake-vertex.ts";
import { type CliSandbox, createCliSandbox, followLines } from "./cli-harness.ts";

let sb: CliSandbox;
let fake: FakeVertex;
beforeAll(async () => {
  fake = await startFakeVertex();
});
afterAll(() => fake.close());
beforeEach(() => {
  sb = createCliSandbox();
  fake.clear();
});
afterEach(() => sb.cleanup());

/** A Vertex config pointing at the fake, with a second model. */
function writeVertexConfig(extra = ""): string {
  return sb.write(
    sb.userFile,
    `[auth]\naccess_token = "ya29.test-token"\n[vertex]\nproject = "my-project"\nregion = "us-east5"\nmodel = "claude-sonnet-4-5@20250929"\nbase_url = "${fake.url}"\n` +
      `[[vertex.models]]\nname = "opus"\nmodel = "claude-opus-4-1@20250805"\nregion = "global"\n${extra}`,
  );
}

async function startServe(args: string[] = [], env: Record<string, string> = {}) {
  const proc = sb.spawn(["serve", "--port", "0", ...args], { env });
  const out = followLines(proc.stdout);
  const line = await out.waitFor((l) => typeof l.url === "string" && String(l.msg).includes("OpenAI base URL"));
  return { proc, out, url: line.url as string };
}

const chat = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }) });

describe("modelmux serve", () => {
  it("starts the demo provider with no config, prints the URL as a JSON log line, and exits 0 on SIGTERM", async () => {
    const { proc, out, url } = await startServe();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out.lines.some((l) => l.includes('"level":"warn"') && l.includes("DEMO"))).toBe(true);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(["claude-sonnet-4-5"]);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await out.done;
    expect(out.lines.some((l) => l.includes('"msg":"shutting down"'))).toBe(true);
  });

  it("routes by model name: lists every model, picks the entry, echoes the client's name, 404s unknown names", async () => {
    writeVertexConfig();
    const { proc, url } = await startServe();
    try {
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(["claude-sonnet-4-5", "opus"]);

      const res = await chat(url, "OPUS");
      expect(res.status).toBe(200);
      expect(((await res.json()) as { model: string }).model).toBe("OPUS");
      expect(fake.requests.at(-1)).toMatchObject({ model: "claude-opus-4-1@20250805", path: expect.stringContaining("/projects/my-project/locations/global/") });

      const full = await chat(url, "claude-sonnet-4-5@20250929");
      expect(full.status).toBe(200);
      expect(fake.requests.at(-1)!.model).toBe("claude-sonnet-4-5@20250929");

      const unknown = await chat(url, "gpt-4o");
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });

  it("sends unknown models to the default with fallback_to_default", async () => {
    writeVertexConfig();
    const { proc, url } = await startServe([], { MODELMUX_VERTEX_FALLBACK_TO_DEFAULT: "true" });
    try {
      const res = await chat(url, "gpt-4o");
      expect(res.status).toBe(200);
      expect(((await res.json()) as { model: string }).model).toBe("gpt-4o");
      expect(fake.requests.at(-1)!.model).toBe("claude-sonnet-4-5@20250929");
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });

  it("refuses to start on an invalid config with exit 78 and every problem", async () => {
    sb.write(sb.userFile, '[server]\nprot = 1\n[vertex]\nproject = "my-project"\n');
    const r = await sb.run(["serve"], { env: { MODELMUX_STREAMING_MODE: "sometimes" } });
    expect(r.code).toBe(78);
    for (const s of ['unknown key "prot"', "streaming.mode (env MODELMUX_STREAMING_MODE)", "vertex.region", "vertex.model"]) expect(r.stderr).toContain(s);
  });

  it("refuses a network bind without API keys", async () => {
    const r = await sb.run(["--host", "0.0.0.0", "--port", "0"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("server.host (flag --host)");
  });

  it("reports a port in use (exit 1)", async () => {
    const busy = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const r = await sb.run(["--port", String(busy.port), "--log-format", "json"]);
      expect(r.code).toBe(1);
      expect(r.out).toContain("already in use");
    } finally {
      busy.stop(true);
    }
  });

  it("honours --log-format pretty and --log-level", async () => {
    const proc = sb.spawn(["--port", "0", "--log-format", "pretty", "--log-level", "debug"]);
    try {
      const out = followLines(proc.stdout);
      const deadline = Date.now() + 10_000;
      while (!out.lines.some((l) => l.includes("OpenAI base URL")) && Date.now() < deadline) await Bun.sleep(20);
      const line = out.lines.find((l) => l.includes("OpenAI base URL"))!;
      expect(line).toBeDefined();
      expect(() => JSON.parse(line)).toThrow();
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });

  it("reads ./.env from the working directory, below the real environment", async () => {
    sb.write(join(sb.cwd, ".env"), "MODELMUX_VERTEX_PROVIDER=mock\nVERTEX_MODEL_ID=claude-haiku-4-5@20251001\nMODELMUX_SERVER_PORT=1\n");
    const r = await sb.run(["config", "show", "--json"], { env: { PORT: "4242" } });
    const j = JSON.parse(r.stdout);
    expect(j.values["vertex.model"]).toEqual({ value: "claude-haiku-4-5@20251001", source: ".env VERTEX_MODEL_ID" });
    expect(j.values["server.port"]).toEqual({ value: 4242, source: "env PORT" });
  });
});

describe("modelmux doctor", () => {
  it("checks config, credentials, port, token and every model", async () => {
    writeVertexConfig();
    const r = await sb.run(["doctor", "--port", "0"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ credentials: auth.access_token");
    expect(r.stdout).toContain("✓ access token: minted");
    expect(r.stdout).toContain("✓ model claude-sonnet-4-5: claude-sonnet-4-5@20250929 in my-project/us-east5 answered");
    expect(r.stdout).toContain("✓ model opus: claude-opus-4-1@20250805 in my-project/global answered");
    expect(r.stdout).toContain("all checks passed");
    expect(fake.requests.map((q) => [q.model, q.body.max_tokens, q.headers.authorization])).toEqual([
      ["claude-sonnet-4-5@20250929", 1, "Bearer ya29.test-token"],
      ["claude-opus-4-1@20250805", 1, "Bearer ya29.test-token"],
    ]);
    expect(r.out).not.toContain("ya29.test-token");
  });

  it("fails with a fix when a model is not reachable", async () => {
    writeVertexConfig();
    fake.reply(googleErrorReply(404, "NOT_FOUND", "Publisher Model `projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929` not found."));
    const r = await sb.run(["doctor", "--port", "0"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ model claude-sonnet-4-5");
    expect(r.stdout).toContain("HTTP 404: Publisher Model");
    expect(r.stdout).toContain("Model Garden");
  });

  it("fails when the port is taken, and --offline skips Google", async () => {
    writeVertexConfig();
    const busy = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const r = await sb.run(["doctor", "--offline", "--port", String(busy.port)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`✗ port 127.0.0.1:${busy.port}: in use by another program`);
      expect(r.stdout).toContain("skipped (--offline)");
      expect(fake.requests).toHaveLength(0);
    } finally {
      busy.stop(true);
    }
  });

  it("warns about the demo provider", async () => {
    const r = await sb.run(["doctor", "--port", "0"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("! provider: mock");
  });

  it("config validate --check-upstream mints a token and sends a 1-token request", async () => {
    writeVertexConfig();
    const ok = await sb.run(["config", "validate", "--check-upstream"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("✓ access token");
    expect(fake.requests).toHaveLength(2);
    fake.reply(googleErrorReply(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied"));
    const denied = await sb.run(["config", "validate", "--check-upstream"]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain("roles/aiplatform.user");
  });
});
