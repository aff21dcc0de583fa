/** The release targets: one compiled binary per OS/arch, its archive name and (Linux) its Debian arch. */

export type Os = "linux" | "darwin" | "windows";
export type Arch = "x64" | "arm64";

export interface Target {
  os: Os;
  arch: Arch;
  /** The `bun build --compile --target=` value. */
  bunTarget: string;
  /** Name of the executable inside the archive. */
  exe: string;
  archiveExt: "tar.gz" | "zip";
  /** Debian architecture for the .deb (Linux only). */
  debArch?: "amd64" | "arm64";
}

/**
 * x64 builds use Bun's "baseline" runtime (no AVX2 requirement): servers often run on virtual CPUs that
 * hide AVX2 (e.g. QEMU's default model), where the modern build dies with SIGILL. The cost is a few
 * percent in a handful of hot string routines, which a network gateway does not notice.
 */
export const TARGETS: readonly Target[] = [
  { os: "linux", arch: "x64", bunTarget: "bun-linux-x64-baseline", exe: "modelmux", archiveExt: "tar.gz", debArch: "amd64" },
  { os: "linux", arch: "arm64", bunTarget: "bun-linux-arm64", exe: "modelmux", archiveExt: "tar.gz", debArch: "arm64" },
  { os: "darwin", arch: "x64", bunTarget: "bun-darwin-x64-baseline", exe: "modelmux", archiveExt: "tar.gz" },
  { os: "darwin", arch: "arm64", bunTarget: "bun-darwin-arm64", exe: "modelmux", archiveExt: "tar.gz" },
  { os: "windows", arch: "x64", bunTarget: "bun-windows-x64-baseline", exe: "modelmux.exe", archiveExt: "zip" },
];

/** `modelmux-<version>-<os>-<arch>` — the archive's base name and its single top-level directory. */
export function archiveBase(version: string, t: Pick<Target, "os" | "arch">): string {
  return `modelmux-${version}-${t.os}-${t.arch}`;
}

/** `modelmux-<version>-<os>-<arch>.tar.gz` (or `.zip` for Windows). */
export function archiveName(version: string, t: Pick<Target, "os" | "arch" | "archiveExt">): string {
  return `${archiveBase(version, t)}.${t.archiveExt}`;
}

/** `modelmux_<version>_<arch>.deb` (Debian's naming, with the Debian spelling of the version). */
export function debName(debVersion: string, debArch: string): string {
  return `modelmux_${debVersion}_${debArch}.deb`;
}
