/**
 * Shared fixtures for the packaging tests: the host binary (built once per `bun test` process with
 * `bun run build`), the arm64 binary and both .deb files (gzip-compressed for speed), free ports, and
 * child-process helpers that always clean up.
 */
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { buildDeb } from "../../packaging/deb/build-deb.ts";
import { compileBinary } from "../../packaging/lib/compile.ts";
import { testScratch } from "../setup.ts";
import { hasCommand, run } from "../../packaging/lib/run.ts";
import { readVersion, REPO_ROOT } from "../../packaging/lib/version.ts";

export const REPO = REPO_ROOT;
export const VERSION = await readVersion();
export { hasCommand, run };

/** Why tests needing these commands must skip (undefined = all present). Logged once per reason. */
export function missing(...commands: string[]): string | undefined {
  const absent = commands.filter((c) => !hasCommand(c));
  if (!absent.length) return undefined;
  return note(`skipped: ${absent.join(", ")} not installed (run packaging/ci-deps.sh)`);
}

/** Reason the real dpkg install tests must skip, or undefined. */
export function cannotInstall(): string | undefined {
  if (process.platform !== "linux") return note("skipped: dpkg install tests need Linux");
  if (process.getuid?.() !== 0) return note("skipped: dpkg -i/--purge tests need root");
  return missing("dpkg", "dpkg-deb", "runuser", "adduser", "deb-systemd-helper");
}

const noted = new Set<string>();
/** Prints a skip reason once per test process and returns it. */
export function note(reason: string): string {
  if (!noted.has(reason)) console.log(`[packaging] ${reason}`);
  noted.add(reason);
  return reason;
}

let scratch: string | undefined;
/** A temp directory for this test process, inside the run's scratch directory (test/setup.ts removes it). */
export async function tmp(): Promise<string> {
  scratch ??= await mkdtemp(join(testScratch(), "packaging-"));
  return scratch;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/** `bun run build` (the real script) → dist/modelmux. */
export const hostBinary = once(async () => {
  await run([process.execPath, "run", "build"], { cwd: REPO });
  return join(REPO, "dist", "modelmux");
});

/** The linux-arm64 cross build (a couple of seconds: the runtime comes from the npm registry). */
export const arm64Binary = once(async () => compileBinary({ bunTarget: "bun-linux-arm64", outfile: join(await tmp(), "arm64", "modelmux") }));

/** Both .deb files, built from the host binary (amd64) and the arm64 cross build. */
export const builtDebs = once(async () => {
  const outDir = join(await tmp(), "debs");
  const [amd64, arm64] = [await hostBinary(), await arm64Binary()];
  return {
    amd64: await buildDeb({ binary: amd64, arch: "amd64", version: VERSION, outDir, compression: "gzip" }),
    arm64: await buildDeb({ binary: arm64, arch: "arm64", version: VERSION, outDir, compression: "gzip" }),
  };
});

/** A free TCP port on 127.0.0.1 (bound and released; the OS does not hand it out again at once). */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

export interface Child {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** SIGTERM (then SIGKILL after `graceMs`); resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawns a long-running command with a clean environment, capturing its output. */
export function spawnChild(cmd: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Child {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? "/",
    env: { PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) out += dec.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return {
    proc,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `${base}/health` until it answers 200 (returns the JSON), the child exits, or `timeoutMs` passes. */
export async function waitForHealth(base: string, child: Child, timeoutMs = 15_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`server exited (${child.proc.exitCode ?? child.proc.signalCode}) before /health answered:\n${child.output()}`);
    }
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return await res.json();
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  throw new Error(`no /health from ${base} within ${timeoutMs} ms:\n${child.output()}`);
}

/** A minimal non-streaming chat request against `base`; returns status and JSON body. */
export async function chat(base: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Say hello." }], stream: false }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A config file for the demo upstream (what the formula test and the deb test write). */
export function demoConfig(port: number): string {
  return `[server]\nhost = "127.0.0.1"\nport = ${port}\n\n[vertex]\nprovider = "mock"\n`;
}
