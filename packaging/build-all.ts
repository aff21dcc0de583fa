/**
 * `bun run build:all`: cross-compiles modelmux for every release target and packs the release archives
 * (`modelmux-<version>-<os>-<arch>.tar.gz`, `.zip` for Windows) plus `SHA256SUMS` into dist/.
 * The target runtimes come from the npm registry, so this works from any Linux host.
 *
 *   bun packaging/build-all.ts [--out dist] [--only linux-x64,darwin-arm64]
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { makeArchive } from "./lib/archive.ts";
import { writeSha256Sums } from "./lib/checksums.ts";
import { compileBinary } from "./lib/compile.ts";
import { archiveBase, TARGETS, type Target } from "./lib/targets.ts";
import { readVersion, REPO_ROOT, sourceDateEpoch } from "./lib/version.ts";

export interface BuiltTarget {
  target: Target;
  /** The compiled executable (dist/bin/<os>-<arch>/modelmux[.exe]). */
  binary: string;
  archive: string;
}

/** Files shipped next to the executable in every archive (those that exist). */
async function archiveExtras(t: Target): Promise<string[]> {
  const candidates = [join(REPO_ROOT, "README.md"), join(REPO_ROOT, "LICENSE"), join(REPO_ROOT, "CHANGELOG.md")];
  if (t.os === "linux") candidates.push(join(REPO_ROOT, "packaging", "systemd", "modelmux-user.service"));
  const out: string[] = [];
  for (const c of candidates) if (await Bun.file(c).exists()) out.push(c);
  return out;
}

/** Compiles and archives the given targets (default: all) into `outDir`; writes SHA256SUMS for the archives. */
export async function buildAll(opts: { outDir: string; only?: string[]; log?: (msg: string) => void }): Promise<BuiltTarget[]> {
  const version = await readVersion();
  const mtime = await sourceDateEpoch();
  const log = opts.log ?? ((m: string) => console.log(m));
  const targets = TARGETS.filter((t) => !opts.only?.length || opts.only.includes(`${t.os}-${t.arch}`));
  if (!targets.length) throw new Error(`no target matches ${opts.only?.join(",")}`);
  await mkdir(opts.outDir, { recursive: true });
  const built: BuiltTarget[] = [];
  // Sequential: each compile is short but memory-hungry, and 2 cores gain little from parallelism.
  for (const t of targets) {
    const started = performance.now();
    const dir = join(opts.outDir, "bin", `${t.os}-${t.arch}`);
    await rm(dir, { recursive: true, force: true });
    const binary = await compileBinary({ bunTarget: t.bunTarget, outfile: join(dir, "modelmux") });
    const archive = await makeArchive({
      base: archiveBase(version, t), binary, exe: t.exe, extras: await archiveExtras(t),
      format: t.archiveExt, outDir: opts.outDir, mtime,
    });
    built.push({ target: t, binary, archive });
    log(`built ${t.os}-${t.arch} (${t.bunTarget}) → ${archive} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await writeSha256Sums(opts.outDir, built.map((b) => b.archive));
  return built;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  await buildAll({ outDir: opt("out") ?? join(REPO_ROOT, "dist"), only: opt("only")?.split(",").filter(Boolean) });
}
