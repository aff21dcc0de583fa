/** `bun build --compile` for one target, with the same flags as `bun run build`. */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./version.ts";
import { run } from "./run.ts";

export interface CompileOptions {
  /** A `--target=` value (e.g. bun-linux-arm64); omitted = the host. */
  bunTarget?: string;
  outfile: string;
  /** Entry point relative to the repository root. */
  entry?: string;
  /** Precompiled bytecode (faster start-up, larger file); on by default, see bench/startup.ts. */
  bytecode?: boolean;
}

/**
 * The build flags shared by every target (keep in sync with the "build" script in package.json).
 * `--splitting` keeps a lazily imported module's own imports lazy: without it the bundle hoists them all
 * (node:http and node:dns for remote images, node:tty for consola's prompts) into start-up (≈ 2.4 MB of
 * idle RSS measured for `--splitting` alone, before those modules were made lazy in src/).
 */
export const COMPILE_FLAGS = ["--compile", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--minify", "--sourcemap", "--splitting"] as const;

/** Compiles the CLI into a standalone executable; returns its path. */
export async function compileBinary(opts: CompileOptions): Promise<string> {
  await mkdir(dirname(opts.outfile), { recursive: true });
  const cmd = [process.execPath, "build", join(REPO_ROOT, opts.entry ?? "src/main.ts"), ...COMPILE_FLAGS];
  // Bytecode defaults to CommonJS output, which rejects main.ts's top-level await: keep ESM.
  if (opts.bytecode ?? true) cmd.push("--bytecode", "--format=esm");
  if (opts.bunTarget) cmd.push(`--target=${opts.bunTarget}`);
  cmd.push("--outfile", opts.outfile);
  await run(cmd, { cwd: REPO_ROOT });
  // bun appends .exe for Windows targets when the outfile has no extension.
  const isWindows = opts.bunTarget?.includes("windows") ?? process.platform === "win32";
  return isWindows && !opts.outfile.endsWith(".exe") ? `${opts.outfile}.exe` : opts.outfile;
}
