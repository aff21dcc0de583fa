/** A throwaway HOME/XDG/cwd/etc tree so config tests never read the real user's files. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { inspectConfig, type LoadOptions } from "../../src/config/index.ts";

export const FIXTURES = join(import.meta.dir, "../fixtures/config");

export interface Sandbox {
  root: string;
  home: string;
  cwd: string;
  systemFile: string;
  userFile: string;
  /** Base env: HOME and MODELMUX_SYSTEM_CONFIG pointing into the sandbox. */
  env: Record<string, string>;
  write(path: string, text: string, mode?: number): string;
  inspect(opts?: LoadOptions): ReturnType<typeof inspectConfig>;
  cleanup(): void;
}

/** Creates a sandbox; call cleanup() in afterEach. */
export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "modelmux-config-"));
  const home = join(root, "home");
  const cwd = join(root, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const systemFile = join(root, "etc", "modelmux", "config.toml");
  const userFile = join(home, ".config", "modelmux", "config.toml");
  const env = { HOME: home, MODELMUX_SYSTEM_CONFIG: systemFile };
  const sb: Sandbox = {
    root,
    home,
    cwd,
    systemFile,
    userFile,
    env,
    write(path, text, mode = 0o600) {
      const p = path.startsWith("/") ? path : join(root, path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      chmodSync(p, mode);
      return p;
    },
    inspect(opts = {}) {
      return inspectConfig({ cwd, platform: "linux", ...opts, env: { ...env, ...opts.env } });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  return sb;
}
