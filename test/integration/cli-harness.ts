/**
 * Runs the real CLI (`bun run src/main.ts …`) as a subprocess in a throwaway HOME/XDG/cwd with an
 * environment built from scratch (only PATH leaks in), so no test ever reads the real user's files.
 */
import { resolve } from "node:path";
import { createSandbox, type Sandbox } from "../helpers/config-sandbox.ts";

export const MAIN = resolve(import.meta.dir, "../../src/main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr */
  out: string;
}

export interface CliSandbox extends Omit<Sandbox, "inspect"> {
  run(args: string[], opts?: { env?: Record<string, string | undefined>; stdin?: string; cwd?: string }): Promise<CliResult>;
  spawn(args: string[], opts?: { env?: Record<string, string | undefined> }): Bun.Subprocess<"ignore", "pipe", "pipe">;
}

/** A fresh sandbox (call cleanup() afterwards): the config sandbox plus a way to run the CLI in it. */
export function createCliSandbox(): CliSandbox {
  const sb = createSandbox();
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...sb.env, NO_COLOR: "1" };
  const envFor = (extra: Record<string, string | undefined> = {}) => {
    const e: Record<string, string> = { ...env };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete e[k];
      else e[k] = v;
    }
    return e;
  };
  return {
    ...sb,
    env,
    async run(args, opts = {}) {
      const proc = Bun.spawn([process.execPath, "run", MAIN, ...args], {
        cwd: opts.cwd ?? sb.cwd,
        env: envFor(opts.env),
        stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
        stdout: "pipe",
        stderr: "pipe",
      });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr, out: stdout + stderr };
    },
    spawn(args, opts = {}) {
      return Bun.spawn([process.execPath, "run", MAIN, ...args], { cwd: sb.cwd, env: envFor(opts.env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    },
  };
}

/** Follows a subprocess's JSON log lines; `waitFor` resolves with the first new line matching `pred`. */
export function followLines(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let buf = "";
  let cursor = 0;
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) !== -1) {
        lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
    ended = true;
  })();
  return {
    lines,
    done: pump,
    async waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < lines.length) {
          const text = lines[cursor++]!;
          try {
            const obj = JSON.parse(text) as Record<string, unknown>;
            if (pred(obj)) return obj;
          } catch {
            // not JSON
          }
        }
        if (ended || Date.now() > deadline) throw new Error(`line not seen; got:\n${lines.join("\n")}`);
        await Bun.sleep(10);
      }
    },
  };
}
