/** Small process helpers for the packaging scripts (Bun.spawn with checked exit codes). */

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Return instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing stdout/stderr; throws with both on a non-zero exit. */
export async function run(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0 && !opts.allowFailure) {
    throw new Error(`command failed (exit ${code}): ${cmd.join(" ")}\n${stderr || stdout}`);
  }
  return { code, stdout, stderr };
}

/** True when `name` is an executable on PATH. */
export function hasCommand(name: string): boolean {
  return Bun.which(name) !== null;
}
