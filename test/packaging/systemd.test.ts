/**
 * The systemd units: required directives, `systemd-analyze verify` on both, and the offline security
 * exposure score (OK or better, and the same number packaging/systemd/README.md reports).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { missing, REPO, run, tmp } from "./support.ts";

const DIR = join(REPO, "packaging", "systemd");
const systemUnit = await Bun.file(join(DIR, "modelmux.service")).text();
const userUnit = await Bun.file(join(DIR, "modelmux-user.service")).text();

/** All values of `key=` in a unit (in order). */
function values(unit: string, key: string): string[] {
  return unit.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

describe("system unit", () => {
  test("runs the packaged binary as the modelmux user with the system config", () => {
    expect(values(systemUnit, "ExecStart")).toEqual(["/usr/bin/modelmux serve --config /etc/modelmux/config.toml"]);
    expect(values(systemUnit, "User")).toEqual(["modelmux"]);
    expect(values(systemUnit, "Group")).toEqual(["modelmux"]);
    expect(values(systemUnit, "Restart")).toEqual(["on-failure"]);
    expect(values(systemUnit, "StandardOutput")).toEqual(["journal"]);
    expect(values(systemUnit, "Environment")).toContain("MODELMUX_SERVER_LOG_FORMAT=json");
    expect(values(systemUnit, "WantedBy")).toEqual(["multi-user.target"]);
  });

  test("SIGTERM drains within TimeoutStopSec (longer than the default 30 s grace period)", () => {
    expect(values(systemUnit, "KillSignal")).toEqual(["SIGTERM"]);
    expect(Number(values(systemUnit, "TimeoutStopSec")[0])).toBeGreaterThan(30);
  });

  test("hardening directives", () => {
    const want: Record<string, string> = {
      NoNewPrivileges: "yes", ProtectSystem: "strict", ProtectHome: "yes", PrivateTmp: "yes",
      PrivateDevices: "yes", CapabilityBoundingSet: "", AmbientCapabilities: "", RestrictNamespaces: "yes",
      RestrictAddressFamilies: "AF_INET AF_INET6 AF_UNIX", LockPersonality: "yes", SystemCallArchitectures: "native",
    };
    for (const [k, v] of Object.entries(want)) expect(`${k}=${values(systemUnit, k)[0]}`).toBe(`${k}=${v}`);
    expect(values(systemUnit, "SystemCallFilter")).toContain("@system-service");
    // The JIT needs writable+executable memory: MemoryDenyWriteExecute would kill it at start.
    expect(values(systemUnit, "MemoryDenyWriteExecute")).toEqual([]);
  });
});

describe("user unit", () => {
  test("absolute ExecStart that finds the tarball, .deb and Homebrew installs", () => {
    const exec = values(userUnit, "ExecStart")[0]!;
    expect(exec.startsWith("/")).toBe(true);
    expect(exec).toBe("/usr/bin/env modelmux serve");
    const path = values(userUnit, "Environment").find((e) => e.startsWith("PATH="))!;
    for (const dir of ["%h/.local/bin", "/usr/local/bin", "/usr/bin"]) expect(path.split(/[=:]/)).toContain(dir);
    expect(values(userUnit, "WantedBy")).toEqual(["default.target"]);
  });
});

describe.skipIf(Boolean(missing("systemd-analyze")))("systemd-analyze", () => {
  let dir = "";
  beforeAll(async () => {
    dir = join(await tmp(), "units");
    await mkdir(join(dir, "bin"), { recursive: true });
    await mkdir(join(dir, "run"), { recursive: true, mode: 0o700 });
    // verify checks that ExecStart's program exists; stand in for /usr/bin/modelmux (the installed unit
    // file itself is verified unchanged in deb-install.test.ts).
    await Bun.write(join(dir, "bin", "modelmux"), "#!/bin/sh\nexit 0\n");
    await chmod(join(dir, "bin", "modelmux"), 0o755);
    await Bun.write(join(dir, "modelmux.service"), systemUnit.replace("ExecStart=/usr/bin/modelmux", `ExecStart=${dir}/bin/modelmux`));
    await mkdir(join(dir, "user"), { recursive: true });
    await Bun.write(join(dir, "user", "modelmux.service"), userUnit);
  });

  test("verify: system unit is clean", async () => {
    const r = await run(["systemd-analyze", "verify", "--man=no", join(dir, "modelmux.service")], { allowFailure: true });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.code).toBe(0);
  }, 30_000);

  test("verify: user unit is clean (as a --user unit)", async () => {
    const r = await run(["systemd-analyze", "--user", "verify", "--man=no", join(dir, "user", "modelmux.service")], {
      allowFailure: true,
      env: { XDG_RUNTIME_DIR: join(dir, "run") },
    });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.code).toBe(0);
  }, 30_000);

  test("security: exposure OK or better, as reported in packaging/systemd/README.md", async () => {
    const r = await run(["systemd-analyze", "security", "--offline=true", "--no-pager", join(dir, "modelmux.service")], { allowFailure: true });
    const m = /Overall exposure level for modelmux\.service: (\d+\.\d) (\w+)/.exec(r.stdout);
    if (!m) {
      console.log("[packaging] skipped: this systemd-analyze has no --offline security review");
      return;
    }
    expect(["PERFECT", "SAFE", "OK"]).toContain(m[2]!);
    const readme = await Bun.file(join(DIR, "README.md")).text();
    expect(readme).toContain(`${m[1]} ${m[2]}`);
  }, 30_000);
});
