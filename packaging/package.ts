/**
 * `bun run package`: everything a release needs, into dist/ in one go — the five release archives, both
 * .deb packages (`modelmux_<version>_<arch>.deb`), one `SHA256SUMS` over all of them — and regenerates
 * Formula/modelmux.rb from the archives.
 *
 *   bun packaging/package.ts [--out dist] [--deb-compression xz|gzip]
 */
import { join } from "node:path";
import { buildAll } from "./build-all.ts";
import { buildDeb } from "./deb/build-deb.ts";
import { generateFormula } from "./homebrew/generate-formula.ts";
import { writeSha256Sums } from "./lib/checksums.ts";
import { readVersion, REPO_ROOT, sourceDateEpoch } from "./lib/version.ts";

/** Builds archives, debs, SHA256SUMS and the formula; returns the release files (without SHA256SUMS). */
export async function packageAll(opts: { outDir: string; debCompression?: "xz" | "gzip"; formulaFile?: string }): Promise<string[]> {
  const version = await readVersion();
  const mtime = await sourceDateEpoch();
  const built = await buildAll({ outDir: opts.outDir });
  const debs: string[] = [];
  for (const b of built) {
    if (!b.target.debArch) continue;
    const started = performance.now();
    debs.push(await buildDeb({ binary: b.binary, arch: b.target.debArch, version, outDir: opts.outDir, compression: opts.debCompression ?? "xz", mtime }));
    console.log(`built ${debs.at(-1)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const files = [...built.map((b) => b.archive), ...debs];
  await writeSha256Sums(opts.outDir, files);
  const formula = opts.formulaFile ?? join(REPO_ROOT, "Formula", "modelmux.rb");
  await generateFormula({ distDir: opts.outDir, outFile: formula, version });
  console.log(`wrote ${join(opts.outDir, "SHA256SUMS")} and ${formula}`);
  return files;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const z = opt("deb-compression");
  await packageAll({ outDir: opt("out") ?? join(REPO_ROOT, "dist"), debCompression: z === "gzip" ? "gzip" : "xz" });
}
