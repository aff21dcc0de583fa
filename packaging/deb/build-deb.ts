/**
 * Builds `modelmux_<version>_<arch>.deb` with dpkg-deb from a staged tree (no debhelper: the binary is
 * prebuilt and cross-compiled, so there is nothing to configure or compile).
 *
 *   bun packaging/deb/build-deb.ts --arch amd64 --binary dist/modelmux [--out dist] [--compression xz]
 *
 * Layout: /usr/bin/modelmux, /etc/modelmux/config.toml (conffile, 0640; group set by postinst with
 * dpkg-statoverride), /lib/systemd/system/modelmux.service (Debian 12's unit directory; also right on
 * merged-/usr systems), /usr/lib/systemd/user/modelmux.service, man page, docs, copyright, changelog,
 * lintian overrides and the maintainer scripts beside this file.
 */
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { run } from "../lib/run.ts";
import { debName } from "../lib/targets.ts";
import { debianVersion, readVersion, REPO_ROOT, sourceDateEpoch } from "../lib/version.ts";

const HERE = import.meta.dir;
const SYSTEMD = join(REPO_ROOT, "packaging", "systemd");

export type DebArch = "amd64" | "arm64";

export interface DebOptions {
  /** The compiled Linux executable for `arch`. */
  binary: string;
  arch: DebArch;
  /** Semver from package.json (converted to the Debian spelling here). */
  version: string;
  outDir: string;
  /** xz (release default: smallest), gzip (fast; tests), none. */
  compression?: "xz" | "gzip" | "none";
  maintainer?: string;
  /** mtime for every staged file (seconds since the epoch). */
  mtime?: number;
}

export const DEFAULT_MAINTAINER = "modelmux maintainers <modelmux@users.noreply.github.com>";
export const CONFFILES = ["/etc/modelmux/config.toml"];

/** Stages the package tree (including DEBIAN/) into `root`. Exposed for tests (`systemd-analyze --root`). */
export async function stageDebTree(o: DebOptions, root: string): Promise<void> {
  const version = debianVersion(o.version);
  const maintainer = o.maintainer ?? process.env.MODELMUX_DEB_MAINTAINER ?? DEFAULT_MAINTAINER;
  const mtime = o.mtime ?? (await sourceDateEpoch());

  const put = async (src: string, dest: string, mode: number) => {
    await mkdir(dirname(join(root, dest)), { recursive: true });
    await copyFile(src, join(root, dest));
    await chmod(join(root, dest), mode);
  };
  const write = async (dest: string, data: string | Uint8Array, mode: number) => {
    await mkdir(dirname(join(root, dest)), { recursive: true });
    await writeFile(join(root, dest), data);
    await chmod(join(root, dest), mode);
  };

  await put(o.binary, "usr/bin/modelmux", 0o755);
  await mkdir(join(root, "etc/modelmux"), { recursive: true });
  await put(join(HERE, "config.toml"), "etc/modelmux/config.toml", 0o640);
  await chmod(join(root, "etc/modelmux"), 0o750);
  await put(join(SYSTEMD, "modelmux.service"), "lib/systemd/system/modelmux.service", 0o644);
  await put(join(SYSTEMD, "modelmux-user.service"), "usr/lib/systemd/user/modelmux.service", 0o644);
  const doc = "usr/share/doc/modelmux";
  await put(join(HERE, "copyright"), `${doc}/copyright`, 0o644);
  await put(join(HERE, "README.Debian"), `${doc}/README.Debian`, 0o644);
  const readme = join(REPO_ROOT, "README.md");
  if (await Bun.file(readme).exists()) await write(`${doc}/README.md.gz`, gz(await Bun.file(readme).bytes()), 0o644);
  await write(`${doc}/changelog.gz`, gz(changelog(version, maintainer, mtime)), 0o644);
  await write("usr/share/man/man1/modelmux.1.gz", gz(await Bun.file(join(HERE, "modelmux.1")).bytes()), 0o644);
  await put(join(HERE, "lintian-overrides"), "usr/share/lintian/overrides/modelmux", 0o644);

  const files = await listFiles(root);
  const md5 = await Promise.all(files.map(async (f) => `${await md5File(join(root, f))}  ${f}\n`));
  const installedKiB = await installedSize(root, files);

  await write("DEBIAN/control", control({ version, arch: o.arch, maintainer, installedKiB, libc: await glibcRequirement(o.binary) }), 0o644);
  await write("DEBIAN/conffiles", CONFFILES.map((c) => `${c}\n`).join(""), 0o644);
  await write("DEBIAN/md5sums", md5.join(""), 0o644);
  for (const script of ["postinst", "prerm", "postrm"]) await put(join(HERE, script), `DEBIAN/${script}`, 0o755);

  const when = new Date(mtime * 1000);
  for (const p of [...(await listAll(root)), ""]) await utimes(join(root, p), when, when);
}

/** Builds the .deb into `outDir` and returns its path. */
export async function buildDeb(o: DebOptions): Promise<string> {
  const stage = await mkdtemp(join(tmpdir(), "modelmux-deb-"));
  try {
    const root = join(stage, "root");
    await mkdir(root, { mode: 0o755 });
    await chmod(root, 0o755);
    await stageDebTree(o, root);
    await mkdir(o.outDir, { recursive: true });
    const out = join(o.outDir, debName(debianVersion(o.version), o.arch));
    const z = o.compression ?? "xz";
    await run(["dpkg-deb", "--root-owner-group", `-Z${z}`, ...(z === "gzip" ? ["-z1"] : []), "--build", root, out], {
      env: { SOURCE_DATE_EPOCH: String(o.mtime ?? (await sourceDateEpoch())) },
    });
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** The DEBIAN/control text. */
export function control(c: { version: string; arch: string; maintainer: string; installedKiB: number; libc: string }): string {
  return [
    "Package: modelmux",
    `Version: ${c.version}`,
    `Architecture: ${c.arch}`,
    `Maintainer: ${c.maintainer}`,
    `Installed-Size: ${c.installedKiB}`,
    `Depends: ${c.libc}, adduser, init-system-helpers (>= 1.52)`,
    "Section: net",
    "Priority: optional",
    "Homepage: https://github.com/modelmux/modelmux",
    "Description: OpenAI-compatible gateway for Anthropic Claude on Google Vertex AI",
    " modelmux accepts OpenAI Chat Completions requests and forwards them to Claude",
    " models on Google Vertex AI, translating requests, responses, streaming events,",
    " tool calls and errors in both directions, so OpenAI SDKs and tools can use",
    " Claude through Vertex AI credentials.",
    " .",
    " This package installs the self-contained executable, a hardened systemd",
    " service running as the unprivileged modelmux user, and a documented",
    " configuration in /etc/modelmux/.",
    "",
  ].join("\n");
}

/** `libc6 (>= X.Y)` from the highest GLIBC_ symbol version the executable needs (readelf -V). */
export async function glibcRequirement(binary: string): Promise<string> {
  const { stdout } = await run(["readelf", "-V", "-W", binary]);
  const versions = [...stdout.matchAll(/Name: GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as const);
  if (!versions.length) return "libc6";
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const [maj, min, patch] = versions[versions.length - 1]!;
  return `libc6 (>= ${maj}.${min}${patch ? `.${patch}` : ""})`;
}

function changelog(version: string, maintainer: string, mtime: number): string {
  const date = new Date(mtime * 1000).toUTCString().replace("GMT", "+0000");
  return `modelmux (${version}) unstable; urgency=medium\n\n  * Release ${version}.\n\n -- ${maintainer}  ${date}\n`;
}

function gz(data: string | Uint8Array): Uint8Array {
  // mtime 0 and no file name in the header: reproducible (what `gzip -9n` does).
  return gzipSync(typeof data === "string" ? Buffer.from(data) : data, { level: 9 });
}

async function md5File(path: string): Promise<string> {
  const h = new Bun.CryptoHasher("md5");
  for await (const chunk of Bun.file(path).stream()) h.update(chunk);
  return h.digest("hex");
}

async function listAll(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.map(String).sort();
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of await listAll(root)) {
    if (p.startsWith("DEBIAN")) continue;
    if ((await stat(join(root, p))).isFile()) out.push(relative(root, join(root, p)));
  }
  return out;
}

async function installedSize(root: string, files: string[]): Promise<number> {
  let kib = 0;
  for (const f of files) kib += Math.ceil((await stat(join(root, f))).size / 1024);
  return kib + 1;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const arch = opt("arch");
  const binary = opt("binary");
  if ((arch !== "amd64" && arch !== "arm64") || !binary) {
    console.error("usage: bun packaging/deb/build-deb.ts --arch amd64|arm64 --binary PATH [--out DIR] [--compression xz|gzip|none]");
    process.exit(2);
  }
  const compression = (opt("compression") ?? "xz") as DebOptions["compression"];
  const out = await buildDeb({ binary, arch, version: await readVersion(), outDir: opt("out") ?? join(REPO_ROOT, "dist"), compression });
  console.log(out);
}
