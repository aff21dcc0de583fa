/**
 * The compiled host binary (`bun run build`): --version, serve + /health + a chat request against the
 * demo upstream, JSON logs when stdout is not a TTY, graceful exit on SIGTERM, and the Homebrew
 * formula's own `test do` block run against it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { renderFormula } from "../../packaging/homebrew/generate-formula.ts";
import { chat, type Child, demoConfig, freePort, hostBinary, missing, run, spawnChild, tmp, VERSION, waitForHealth } from "./support.ts";

let binary = "";
const children: Child[] = [];

beforeAll(async () => {
  binary = await hostBinary();
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(2_000)));
});

describe("compiled binary", () => {
  test("--version prints `modelmux <package.json version>`", async () => {
    const { stdout } = await run([binary, "--version"]);
    expect(stdout.trim()).toBe(`modelmux ${VERSION}`);
  });

  test("serve answers /health and a chat request from the demo upstream, logs JSON, stops on SIGTERM", async () => {
    const dir = join(await tmp(), "serve");
    await mkdir(dir, { recursive: true });
    const port = freePort();
    await Bun.write(join(dir, "config.toml"), demoConfig(port));
    // HOME points at an empty dir so no user config of the machine leaks in.
    const child = spawnChild([binary, "serve", "--config", join(dir, "config.toml"), "--port", String(port)], { env: { HOME: dir }, cwd: dir });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;

    const health = (await waitForHealth(base, child)) as { status?: string; metrics?: unknown };
    expect(health.status).toBe("ok");
    expect(typeof health.metrics).toBe("object");

    const { status, body } = await chat(base);
    expect(status).toBe(200);
    expect(body.object).toBe("chat.completion");
    const choices = body.choices as Array<{ message: { role: string; content: string } }>;
    expect(choices[0]?.message.role).toBe("assistant");
    expect(choices[0]?.message.content.length).toBeGreaterThan(0);

    expect(await child.stop()).toBe(0);
    // stdout is a pipe, not a TTY: every log line is one JSON object (what journald receives).
    const lines = child.output().split("\n").filter((l) => l.trim().startsWith("{"));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  }, 30_000);

  test.skipIf(Boolean(missing("ruby")))("the Homebrew formula's test block passes against the binary", async () => {
    const dir = join(await tmp(), "brew");
    await mkdir(join(dir, "bin"), { recursive: true });
    await mkdir(join(dir, "testpath"), { recursive: true });
    await copyFile(binary, join(dir, "bin", "modelmux"));
    const fake = "0".repeat(64);
    const formula = renderFormula(VERSION, (["darwin", "linux"] as const).flatMap((os) =>
      (["x64", "arm64"] as const).map((arch) => ({ os, arch, url: `https://example.test/modelmux-${VERSION}-${os}-${arch}.tar.gz`, sha256: fake }))));
    await Bun.write(join(dir, "modelmux.rb"), formula);
    const { stdout } = await run(["ruby", join(import.meta.dir, "brew-shim.rb"), "test", join(dir, "modelmux.rb"), join(dir, "bin"), join(dir, "testpath")], {
      env: { HOME: join(dir, "testpath") },
    });
    expect(stdout).toContain("formula test passed");
  }, 30_000);
});
