/**
 * Both .deb packages, inspected without installing: control fields, file paths/modes/owners, conffiles,
 * maintainer scripts, the arm64 payload's architecture, and lintian (no errors).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { debianVersion } from "../../packaging/lib/version.ts";
import { builtDebs, hasCommand, missing, note, run, tmp, VERSION } from "./support.ts";

const skip = missing("dpkg-deb", "readelf");
let debs = { amd64: "", arm64: "" };

beforeAll(async () => {
  if (!skip) debs = await builtDebs();
}, 180_000);

/** `dpkg-deb --contents` → path → { mode, owner }. */
async function contents(deb: string): Promise<Map<string, { mode: string; owner: string; size: number }>> {
  const { stdout } = await run(["dpkg-deb", "--contents", deb]);
  const out = new Map<string, { mode: string; owner: string; size: number }>();
  for (const line of stdout.trim().split("\n")) {
    const [mode, owner, size, , , path] = line.split(/\s+/);
    out.set(path!.replace(/^\./, ""), { mode: mode!, owner: owner!, size: Number(size) });
  }
  return out;
}

describe.skipIf(Boolean(skip))("deb packages", () => {
  test("file names follow modelmux_<version>_<arch>.deb", () => {
    expect(basename(debs.amd64)).toBe(`modelmux_${debianVersion(VERSION)}_amd64.deb`);
    expect(basename(debs.arm64)).toBe(`modelmux_${debianVersion(VERSION)}_arm64.deb`);
  });

  for (const arch of ["amd64", "arm64"] as const) {
    test(`${arch}: control fields`, async () => {
      const field = async (f: string) => (await run(["dpkg-deb", "--field", debs[arch], f])).stdout.trim();
      expect(await field("Package")).toBe("modelmux");
      expect(await field("Version")).toBe(debianVersion(VERSION));
      expect(await field("Architecture")).toBe(arch);
      const depends = await field("Depends");
      expect(depends).toMatch(/libc6 \(>= 2\.\d+\)/);
      expect(depends).toContain("adduser");
      expect(depends).toContain("init-system-helpers");
      expect(Number(await field("Installed-Size"))).toBeGreaterThan(10_000);
      expect(await field("Maintainer")).toMatch(/<.+@.+>/);
    });

    test(`${arch}: paths, modes and owners`, async () => {
      const c = await contents(debs[arch]);
      const expectEntry = (path: string, mode: string) => {
        expect(c.get(path), path).toBeDefined();
        expect(`${path} ${c.get(path)!.mode} ${c.get(path)!.owner}`).toBe(`${path} ${mode} root/root`);
      };
      expectEntry("/usr/bin/modelmux", "-rwxr-xr-x");
      expectEntry("/etc/modelmux/", "drwxr-x---");
      expectEntry("/etc/modelmux/config.toml", "-rw-r-----");
      expectEntry("/lib/systemd/system/modelmux.service", "-rw-r--r--");
      expectEntry("/usr/lib/systemd/user/modelmux.service", "-rw-r--r--");
      expectEntry("/usr/share/doc/modelmux/copyright", "-rw-r--r--");
      expectEntry("/usr/share/doc/modelmux/changelog.gz", "-rw-r--r--");
      expectEntry("/usr/share/doc/modelmux/README.Debian", "-rw-r--r--");
      expectEntry("/usr/share/man/man1/modelmux.1.gz", "-rw-r--r--");
      expectEntry("/usr/share/lintian/overrides/modelmux", "-rw-r--r--");
      // Nothing else ships a file: no stray build artefacts.
      const allowed = /^\/(usr\/bin\/modelmux|etc\/modelmux\/config\.toml|lib\/systemd\/system\/modelmux\.service|usr\/lib\/systemd\/user\/modelmux\.service|usr\/share\/(doc\/modelmux\/.+|man\/man1\/modelmux\.1\.gz|lintian\/overrides\/modelmux))$/;
      for (const [path, e] of c) if (!e.mode.startsWith("d")) expect(path).toMatch(allowed);
    });

    test(`${arch}: conffiles and maintainer scripts`, async () => {
      const dir = join(await tmp(), `ctrl-${arch}`);
      await mkdir(dir, { recursive: true });
      await run(["dpkg-deb", "--control", debs[arch], dir]);
      expect((await Bun.file(join(dir, "conffiles")).text()).trim().split("\n")).toEqual(["/etc/modelmux/config.toml"]);
      const { stdout } = await run(["bash", "-c", `tar -tvf <(dpkg-deb --ctrl-tarfile '${debs[arch]}')`]);
      for (const script of ["postinst", "prerm", "postrm"]) {
        expect(stdout).toMatch(new RegExp(`-rwxr-xr-x root/root .* \\./${script}\\n`));
        await run(["sh", "-n", join(dir, script)]);
      }
      const postinst = await Bun.file(join(dir, "postinst")).text();
      expect(postinst).toContain("adduser --system");
      expect(postinst).toContain("dpkg-statoverride --update --add root modelmux 0640 /etc/modelmux/config.toml");
      expect(postinst).toContain("deb-systemd-helper enable");
      expect(postinst).toContain("deb-systemd-invoke try-restart");
      // A fresh install never starts the service.
      expect(postinst).not.toMatch(/deb-systemd-invoke (start|restart)\b/);
      expect(await Bun.file(join(dir, "prerm")).text()).toContain("deb-systemd-invoke stop");
      const postrm = await Bun.file(join(dir, "postrm")).text();
      expect(postrm).toMatch(/if \[ "\$1" = "purge" \]; then[\s\S]*rm -rf \/etc\/modelmux \/var\/lib\/modelmux/);
      const md5 = await Bun.file(join(dir, "md5sums")).text();
      expect(md5).toMatch(/^[0-9a-f]{32} {2}usr\/bin\/modelmux$/m);
    });
  }

  test("arm64 package carries an aarch64 executable", async () => {
    const dir = join(await tmp(), "x-arm64");
    await run(["dpkg-deb", "-x", debs.arm64, dir]);
    const { stdout } = await run(["readelf", "-h", join(dir, "usr/bin/modelmux")]);
    expect(stdout).toMatch(/Machine:\s+AArch64/);
    // Where qemu-user and the arm64 libc are installed (optional; not in ci-deps.sh), run it too: proves
    // the cross-compiled runtime and its bytecode work, not just that the ELF header says aarch64.
    if (hasCommand("qemu-aarch64") && existsSync("/usr/aarch64-linux-gnu/lib")) {
      const r = await run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", join(dir, "usr/bin/modelmux"), "--version"]);
      expect(r.stdout.trim()).toBe(`modelmux ${VERSION}`);
    } else {
      note("arm64 binary not executed: qemu-aarch64 + libc6-arm64-cross not installed (optional)");
    }
  }, 60_000);

  test.skipIf(Boolean(missing("lintian")))("lintian reports no errors (overrides are justified in the package)", async () => {
    for (const deb of [debs.amd64, debs.arm64]) {
      const r = await run(["lintian", "--fail-on", "error", "--no-tag-display-limit", deb], { allowFailure: true });
      const errors = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.startsWith("E:"));
      expect(errors).toEqual([]);
      expect(r.code).toBe(0);
    }
  }, 120_000);
});
