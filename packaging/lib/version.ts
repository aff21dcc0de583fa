/** The release version (from package.json) and its spellings for other packaging systems. */
import { join } from "node:path";

/** Repository root (this file lives in packaging/lib/). */
export const REPO_ROOT = join(import.meta.dir, "..", "..");

/** Reads `version` from the repository's package.json. */
export async function readVersion(root: string = REPO_ROOT): Promise<string> {
  const pkg = (await Bun.file(join(root, "package.json")).json()) as { version?: unknown };
  if (typeof pkg.version !== "string" || !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(pkg.version)) {
    throw new Error(`package.json has no valid semver "version" (got ${JSON.stringify(pkg.version)})`);
  }
  return pkg.version;
}

/**
 * The Debian spelling of a semver version: a pre-release sorts *before* the release in semver, which
 * dpkg expresses with `~` (1.2.0-rc.1 → 1.2.0~rc.1); build metadata becomes `+`. No Debian revision:
 * the package is native (built from this repository, not from an upstream tarball).
 */
export function debianVersion(semver: string): string {
  const [core, build] = semver.split("+", 2) as [string, string | undefined];
  const dash = core.indexOf("-");
  const base = dash < 0 ? core : `${core.slice(0, dash)}~${core.slice(dash + 1)}`;
  return build ? `${base}+${build}` : base;
}

/** Seconds since the epoch for reproducible archives: SOURCE_DATE_EPOCH, else the last commit's time. */
export async function sourceDateEpoch(root: string = REPO_ROOT): Promise<number> {
  const fromEnv = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const proc = Bun.spawn(["git", "log", "-1", "--format=%ct"], { cwd: root, stdout: "pipe", stderr: "ignore" });
  const out = (await new Response(proc.stdout).text()).trim();
  await proc.exited;
  const t = Number(out);
  return Number.isInteger(t) && t > 0 ? t : Math.floor(Date.now() / 1000);
}
