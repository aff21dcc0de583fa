/**
 * Release archives and SHA256SUMS: naming, layout (one top-level directory, executable mode), byte-for-
 * byte reproducibility, the Windows zip, and a manifest `sha256sum -c` accepts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { makeArchive } from "../../packaging/lib/archive.ts";
import { parseSha256Sums, sha256File, writeSha256Sums } from "../../packaging/lib/checksums.ts";
import { archiveBase, archiveName, debName, TARGETS } from "../../packaging/lib/targets.ts";
import { debianVersion } from "../../packaging/lib/version.ts";
import { missing, run, tmp } from "./support.ts";

let dir = "";
let fakeBinary = "";
let readme = "";

beforeAll(async () => {
  dir = join(await tmp(), "archives");
  await mkdir(dir, { recursive: true });
  fakeBinary = join(dir, "fake-modelmux");
  readme = join(dir, "README.md");
  await Bun.write(fakeBinary, "#!/bin/sh\necho modelmux 0.0.0\n");
  await Bun.write(readme, "# modelmux\n");
});

describe("names", () => {
  test("archives are modelmux-<version>-<os>-<arch>.tar.gz, zip for Windows; debs modelmux_<version>_<arch>.deb", () => {
    expect(TARGETS.map((t) => archiveName("1.2.3", t))).toEqual([
      "modelmux-1.2.3-linux-x64.tar.gz",
      "modelmux-1.2.3-linux-arm64.tar.gz",
      "modelmux-1.2.3-darwin-x64.tar.gz",
      "modelmux-1.2.3-darwin-arm64.tar.gz",
      "modelmux-1.2.3-windows-x64.zip",
    ]);
    expect(TARGETS.filter((t) => t.debArch).map((t) => debName("1.2.3", t.debArch!))).toEqual(["modelmux_1.2.3_amd64.deb", "modelmux_1.2.3_arm64.deb"]);
  });

  test("Debian version spelling: pre-releases sort before the release", () => {
    expect(debianVersion("1.2.3")).toBe("1.2.3");
    expect(debianVersion("1.2.3-rc.1")).toBe("1.2.3~rc.1");
    expect(debianVersion("1.2.3-rc.1+git5")).toBe("1.2.3~rc.1+git5");
  });
});

describe.skipIf(Boolean(missing("tar", "gzip", "zip", "unzip", "sha256sum")))("archives", () => {
  const linux = TARGETS.find((t) => t.os === "linux" && t.arch === "x64")!;
  const windows = TARGETS.find((t) => t.os === "windows")!;

  test("tar.gz: one top-level directory, executable binary, root-owned, reproducible", async () => {
    const mk = (outDir: string) => makeArchive({ base: archiveBase("1.2.3", linux), binary: fakeBinary, exe: "modelmux", extras: [readme], format: "tar.gz", outDir, mtime: 1_700_000_000 });
    const a = await mk(join(dir, "one"));
    const b = await mk(join(dir, "two"));
    expect(await sha256File(a)).toBe(await sha256File(b));
    const { stdout } = await run(["tar", "-tvzf", a]);
    const lines = stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).at(-1))).toEqual(["modelmux-1.2.3-linux-x64/", "modelmux-1.2.3-linux-x64/README.md", "modelmux-1.2.3-linux-x64/modelmux"]);
    expect(lines.find((l) => l.endsWith("/modelmux"))).toMatch(/^-rwxr-xr-x 0\/0 /);
  });

  test("zip for Windows with modelmux.exe", async () => {
    const z = await makeArchive({ base: archiveBase("1.2.3", windows), binary: fakeBinary, exe: "modelmux.exe", extras: [], format: "zip", outDir: join(dir, "zip"), mtime: 1_700_000_000 });
    expect(z.endsWith("modelmux-1.2.3-windows-x64.zip")).toBe(true);
    const { stdout } = await run(["unzip", "-Z1", z]);
    expect(stdout.trim().split("\n")).toEqual(["modelmux-1.2.3-windows-x64/", "modelmux-1.2.3-windows-x64/modelmux.exe"]);
  });

  test("SHA256SUMS is sorted and passes sha256sum -c", async () => {
    const out = join(dir, "sums");
    await mkdir(out, { recursive: true });
    const files = ["b.tar.gz", "a.zip", "c.deb"].map((n) => join(out, n));
    for (const f of files) await Bun.write(f, f);
    const entries = await writeSha256Sums(out, files);
    const text = await Bun.file(join(out, "SHA256SUMS")).text();
    expect([...parseSha256Sums(text).keys()]).toEqual(["a.zip", "b.tar.gz", "c.deb"]);
    expect(parseSha256Sums(text)).toEqual(entries);
    const r = await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: out });
    expect(r.stdout).toContain("c.deb: OK");
  });
});
