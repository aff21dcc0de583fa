/** CLI wiring of the operations features: `keys create`, MODELMUX_AUTH_API_KEYS lists, SIGHUP reload. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { type CliSandbox, createCliSandbox, followLines } from "./cli-harness.ts";

let sb: CliSandbox;
beforeEach(() => {
  sb = createCliSandbox();
});
afterEach(() => sb.cleanup());

const chat = (url: string, key?: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] }),
  });

async function startServe(env: Record<string, string> = {}) {
  const proc = sb.spawn(["serve", "--port", "0"], { env });
  const out = followLines(proc.stdout);
  const line = await out.waitFor((l) => typeof l.url === "string" && String(l.msg).includes("OpenAI base URL"));
  return { proc, out, url: line.url as string };
}

describe("modelmux keys create", () => {
  it("prints a key once and a config block that makes it work", async () => {
    const r = await sb.run(["keys", "create", "laptop", "--rpm", "5"]);
    expect(r.code).toBe(0);
    const key = /sk-mm-[A-Za-z0-9_-]{43}/.exec(r.out)?.[0];
    expect(key).toBeDefined();
    const block = r.out.slice(r.out.indexOf("[[auth.api_keys]]")).split("\n\n")[0]!;
    expect(block).toContain('name = "laptop"');
    expect(block).toContain("requests_per_minute = 5");
    expect(block).not.toContain(key!);
    sb.write(sb.userFile, `${block}\n`);
    const { proc, url } = await startServe();
    try {
      expect((await chat(url)).status).toBe(401);
      expect((await chat(url, key)).status).toBe(200);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });
});

describe("MODELMUX_AUTH_API_KEYS", () => {
  it("accepts a plain comma-separated list of keys", async () => {
    const { proc, url } = await startServe({ MODELMUX_AUTH_API_KEYS: "first-key, second-key" });
    try {
      expect((await chat(url)).status).toBe(401);
      expect((await chat(url, "second-key")).status).toBe(200);
      expect((await chat(url, "third-key")).status).toBe(401);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });
});

describe("SIGHUP", () => {
  it("reloads keys from the config file without restarting; a broken file keeps the old config", async () => {
    const { proc, out, url } = await startServe();
    try {
      expect((await chat(url)).status).toBe(200);
      const { hashApiKey } = await import("../../src/config/api-keys.ts");
      sb.write(sb.userFile, `[[auth.api_keys]]\nname = "k"\nsha256 = "${hashApiKey("sk-reload")}"\n`);
      proc.kill("SIGHUP");
      await out.waitFor((l) => l.msg === "config reloaded");
      expect((await chat(url)).status).toBe(401);
      expect((await chat(url, "sk-reload")).status).toBe(200);
      sb.write(sb.userFile, `[server]\nprot = 1\n`);
      proc.kill("SIGHUP");
      await out.waitFor((l) => String(l.msg).startsWith("config reload refused"));
      expect((await chat(url, "sk-reload")).status).toBe(200);
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
  });
});
