/**
 * Installs the amd64 .deb for real (dpkg -i), checks the system user, ownership and modes, runs the
 * unit's ExecStart as the service user (unconfigured: refuses to start; demo config: /health + chat),
 * upgrades in place keeping the admin's config, removes, and purges. Skips (with a printed reason) when
 * not root, without dpkg, or when modelmux is already installed on this machine; cleans up even when an
 * assertion fails.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, statSync } from "node:fs";
import { cannotInstall, chat, demoConfig, freePort, builtDebs, hasCommand, note, run, spawnChild, VERSION, waitForHealth } from "./support.ts";

const UNIT = "/lib/systemd/system/modelmux.service";
const WANTS = "/etc/systemd/system/multi-user.target.wants/modelmux.service";
const CONFIG = "/etc/modelmux/config.toml";

async function installedStatus(): Promise<string> {
  const r = await run(["dpkg-query", "-W", "-f=${Status}", "modelmux"], { allowFailure: true });
  return r.code === 0 ? r.stdout : "";
}

let skip = cannotInstall();
if (!skip && (await installedStatus()).includes("installed")) skip = note("skipped: a modelmux package is already installed here; not touching it");
let deb = "";
let userExisted = false;
let groupExisted = false;

beforeAll(async () => {
  if (skip) return;
  deb = (await builtDebs()).amd64;
  userExisted = (await run(["getent", "passwd", "modelmux"], { allowFailure: true })).code === 0;
  groupExisted = (await run(["getent", "group", "modelmux"], { allowFailure: true })).code === 0;
}, 180_000);

afterAll(async () => {
  if (skip) return;
  // Leave the machine as we found it, whatever happened above.
  if ((await installedStatus()) !== "") await run(["dpkg", "--purge", "modelmux"], { allowFailure: true });
  if (!userExisted) await run(["userdel", "modelmux"], { allowFailure: true });
  if (!groupExisted) await run(["groupdel", "modelmux"], { allowFailure: true });
}, 60_000);

function owner(path: string): string {
  const st = statSync(path);
  const name = (id: number, db: "passwd" | "group") => Bun.spawnSync(["getent", db, String(id)]).stdout.toString().split(":")[0];
  return `${(st.mode & 0o7777).toString(8)} ${name(st.uid, "passwd")}:${name(st.gid, "group")}`;
}

/** The unit's ExecStart, as the service user, with a clean environment and a port override. */
function startAsService(port: number) {
  return spawnChild(["runuser", "-u", "modelmux", "--", "/usr/bin/modelmux", "serve", "--config", CONFIG, "--port", String(port)]);
}

describe.skipIf(Boolean(skip))("deb install (dpkg -i, for real)", () => {
  test("installs, creates the modelmux system user, enables but does not start the unit", async () => {
    const r = await run(["dpkg", "-i", deb], { env: { DEBIAN_FRONTEND: "noninteractive" } });
    expect(r.code).toBe(0);
    expect(await installedStatus()).toBe("install ok installed");

    const [, , uid, , , home, shell] = (await run(["getent", "passwd", "modelmux"])).stdout.trim().split(":");
    expect(Number(uid)).toBeLessThan(1000);
    expect(home).toBe("/var/lib/modelmux");
    expect(shell).toBe("/usr/sbin/nologin");
    expect((await run(["id", "-gn", "modelmux"])).stdout.trim()).toBe("modelmux");

    expect(owner("/usr/bin/modelmux")).toBe("755 root:root");
    expect(owner("/etc/modelmux")).toBe("750 root:modelmux");
    expect(owner(CONFIG)).toBe("640 root:modelmux");
    expect(owner("/var/lib/modelmux")).toBe("750 modelmux:modelmux");
    expect(owner(UNIT)).toBe("644 root:root");
    expect((await run(["dpkg-statoverride", "--list", CONFIG])).stdout.trim()).toBe(`root modelmux 640 ${CONFIG}`);

    // Enabled (deb-systemd-helper made the WantedBy symlink) — there is no systemd here to start it,
    // and postinst would not start it anyway.
    expect(lstatSync(WANTS).isSymbolicLink()).toBe(true);
  }, 60_000);

  test("/usr/bin/modelmux --version works", async () => {
    expect((await run(["/usr/bin/modelmux", "--version"])).stdout.trim()).toBe(`modelmux ${VERSION}`);
  });

  test.skipIf(!hasCommand("systemd-analyze"))("systemd-analyze verify accepts the installed unit", async () => {
    const man = hasCommand("man") ? [] : ["--man=no"];
    const r = await run(["systemd-analyze", "verify", ...man, UNIT], { allowFailure: true });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.code).toBe(0);
  }, 30_000);

  test("unconfigured (as shipped) the service refuses to start instead of serving demo answers", async () => {
    const child = startAsService(freePort());
    const timer = setTimeout(() => child.proc.kill("SIGKILL"), 15_000);
    const code = await child.proc.exited;
    clearTimeout(timer);
    // 78 = EX_CONFIG, which the unit's RestartPreventExitStatus=78 keeps from restart-looping.
    expect(code).toBe(78);
    expect(child.output()).toMatch(/vertex\.(project|model|region)/);
  }, 20_000);

  test("as the service user with a demo config: /health and a chat request", async () => {
    const port = freePort();
    await Bun.write(CONFIG, demoConfig(port));
    expect(owner(CONFIG)).toBe("640 root:modelmux");
    const child = startAsService(port);
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = (await waitForHealth(base, child)) as { status?: string };
      expect(health.status).toBe("ok");
      // The server process itself (runuser's child) runs as modelmux, not root.
      const kids = (await Bun.file(`/proc/${child.proc.pid}/task/${child.proc.pid}/children`).text()).trim().split(/\s+/);
      const uidLine = (await Bun.file(`/proc/${kids[0]}/status`).text()).split("\n").find((l) => l.startsWith("Uid:"))!;
      const uid = (await run(["id", "-u", "modelmux"])).stdout.trim();
      expect(uidLine.split(/\s+/).slice(1)).toEqual([uid, uid, uid, uid]);
      const { status, body } = await chat(base);
      expect(status).toBe(200);
      expect(body.object).toBe("chat.completion");
    } finally {
      await child.stop();
    }
  }, 30_000);

  test("reinstalling (upgrade path) keeps the admin's config and the overrides", async () => {
    const edited = await Bun.file(CONFIG).text();
    await run(["dpkg", "-i", "--force-confold", deb], { env: { DEBIAN_FRONTEND: "noninteractive" } });
    expect(await Bun.file(CONFIG).text()).toBe(edited);
    expect(owner(CONFIG)).toBe("640 root:modelmux");
    expect(owner("/etc/modelmux")).toBe("750 root:modelmux");
  }, 60_000);

  test("remove keeps config and user; purge deletes config, state, overrides and enablement", async () => {
    await run(["dpkg", "--remove", "modelmux"]);
    expect(existsSync("/usr/bin/modelmux")).toBe(false);
    expect(existsSync(CONFIG)).toBe(true);
    expect((await run(["getent", "passwd", "modelmux"], { allowFailure: true })).code).toBe(0);

    await run(["dpkg", "--purge", "modelmux"]);
    expect(await installedStatus()).toBe("");
    for (const p of ["/etc/modelmux", "/var/lib/modelmux", UNIT, WANTS]) expect(existsSync(p), p).toBe(false);
    expect((await run(["dpkg-statoverride", "--list", "/etc/modelmux*"], { allowFailure: true })).stdout.trim()).toBe("");
  }, 60_000);
});
