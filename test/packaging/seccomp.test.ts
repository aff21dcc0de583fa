/**
 * The unit's SystemCallFilter= cannot be exercised here (no systemd as PID 1), so this checks it the
 * other way round: every system call the compiled binary makes while starting, serving /health, a chat
 * request and a stream, and shutting down on SIGTERM (traced with strace) must be allowed by the filter
 * as systemd-analyze expands it. A Bun upgrade that starts using a denied call fails here, not in
 * production.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chat, demoConfig, freePort, hostBinary, missing, REPO, run, spawnChild, tmp, waitForHealth } from "./support.ts";

const skip = missing("strace", "systemd-analyze");

/** Group name → members (syscalls or @groups), from `systemd-analyze syscall-filter`. */
async function syscallGroups(): Promise<Map<string, string[]>> {
  const { stdout } = await run(["systemd-analyze", "syscall-filter", "--no-pager"]);
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    if (!raw.startsWith(" ") && line.startsWith("@")) groups.set(line, (current = []));
    else if (current && raw.startsWith(" ")) current.push(line);
    else current = undefined;
  }
  return groups;
}

function expand(name: string, groups: Map<string, string[]>, seen = new Set<string>()): Set<string> {
  if (!name.startsWith("@")) return new Set([name]);
  const out = new Set<string>();
  if (seen.has(name)) return out;
  seen.add(name);
  for (const m of groups.get(name) ?? []) for (const s of expand(m, groups, seen)) out.add(s);
  return out;
}

/** The allowed set the unit's SystemCallFilter= lines describe (allow-list first, then ~deny lines). */
function allowedSyscalls(unit: string, groups: Map<string, string[]>): Set<string> {
  const lines = unit.split("\n").filter((l) => l.startsWith("SystemCallFilter=")).map((l) => l.slice("SystemCallFilter=".length).trim());
  const allowed = new Set<string>();
  for (const l of lines) {
    const deny = l.startsWith("~");
    for (const item of (deny ? l.slice(1) : l).split(/\s+/).filter(Boolean)) {
      for (const s of expand(item, groups)) deny ? allowed.delete(s) : allowed.add(s);
    }
  }
  return allowed;
}

describe.skipIf(Boolean(skip))("seccomp filter vs. what the binary does", () => {
  let binary = "";
  beforeAll(async () => {
    binary = await hostBinary();
  }, 120_000);

  test("every traced system call is allowed by the system unit's SystemCallFilter", async () => {
    const dir = join(await tmp(), "strace");
    await mkdir(dir, { recursive: true });
    const port = freePort();
    await Bun.write(join(dir, "config.toml"), demoConfig(port));
    const trace = join(dir, "trace.txt");
    const child = spawnChild(["strace", "-f", "-qq", "-c", "-o", trace, binary, "serve", "--config", join(dir, "config.toml")], { env: { HOME: dir }, cwd: dir });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHealth(base, child, 30_000);
      expect((await chat(base)).status).toBe(200);
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Stream, please." }], stream: true }),
      });
      expect(await res.text()).toContain("[DONE]");
      // SIGTERM the server itself (strace's child) so its graceful-shutdown path is traced too.
      const kids = (await Bun.file(`/proc/${child.proc.pid}/task/${child.proc.pid}/children`).text()).trim().split(/\s+/);
      process.kill(Number(kids[0]), "SIGTERM");
      await child.proc.exited;
    } finally {
      await child.stop();
    }
    const used = (await Bun.file(trace).text())
      .split("\n")
      .map((l) => l.trim().split(/\s+/).at(-1)!)
      .filter((s) => /^[a-z_0-9]+$/.test(s) && s !== "total" && s !== "syscall");
    expect(used.length).toBeGreaterThan(10);
    const unit = await Bun.file(join(REPO, "packaging", "systemd", "modelmux.service")).text();
    const allowed = allowedSyscalls(unit, await syscallGroups());
    expect(used.filter((s) => !allowed.has(s))).toEqual([]);
  }, 60_000);
});
