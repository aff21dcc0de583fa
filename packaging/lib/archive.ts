/**
 * Release archives: `<base>/` holding the executable and docs, as a reproducible tar.gz (sorted names,
 * fixed mtime, root-owned, `gzip -n`) or, for Windows, a zip. Uses the system tar/gzip/zip (GNU tar:
 * release builds run on Linux).
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { run } from "./run.ts";

export interface ArchiveInput {
  /** The archive's top-level directory name (and base file name). */
  base: string;
  /** Path of the compiled executable. */
  binary: string;
  /** Its name inside the archive (`modelmux` or `modelmux.exe`). */
  exe: string;
  /** Extra files copied next to the executable (README, LICENSE, units). */
  extras: string[];
  format: "tar.gz" | "zip";
  outDir: string;
  /** mtime for every entry (seconds since the epoch). */
  mtime: number;
}

/** Creates the archive and returns its path. */
export async function makeArchive(a: ArchiveInput): Promise<string> {
  const stage = await mkdtemp(join(tmpdir(), "modelmux-archive-"));
  try {
    const top = join(stage, a.base);
    await mkdir(top);
    await copyFile(a.binary, join(top, a.exe));
    await chmod(join(top, a.exe), 0o755);
    for (const f of a.extras) {
      await copyFile(f, join(top, basename(f)));
      await chmod(join(top, basename(f)), 0o644);
    }
    const when = new Date(a.mtime * 1000);
    for (const name of [a.exe, ...a.extras.map((f) => basename(f))]) await utimes(join(top, name), when, when);
    await utimes(top, when, when);
    await mkdir(a.outDir, { recursive: true });
    const out = join(a.outDir, `${a.base}.${a.format}`);
    await rm(out, { force: true });
    if (a.format === "zip") {
      await run(["zip", "-q", "-X", "-r", "-9", out, a.base], { cwd: stage, env: { TZ: "UTC" } });
    } else {
      const tar = [
        "tar", "--sort=name", `--mtime=@${a.mtime}`, "--owner=0", "--group=0", "--numeric-owner",
        "--format=gnu", "-cf", "-", a.base,
      ];
      await run(["bash", "-o", "pipefail", "-c", `${tar.map(shq).join(" ")} | gzip -n -9 > ${shq(out)}`], { cwd: stage });
    }
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
