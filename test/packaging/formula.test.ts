/**
 * Formula/modelmux.rb generation: url + sha256 per OS/arch come from the actual archives, the base URL
 * is configurable, `ruby -c` passes, and (through a small stand-in for Homebrew's DSL) the service block
 * and caveats say what the issue asks for.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { generateFormula, releaseBaseUrl } from "../../packaging/homebrew/generate-formula.ts";
import { archiveName, TARGETS } from "../../packaging/lib/targets.ts";
import { missing, REPO, run, tmp, VERSION } from "./support.ts";

interface Inspection {
  version: string;
  assets: Array<{ os: string; arch: string; url: string; sha256: string }>;
  service: Record<string, string | string[]>;
  caveats: string;
  has_test: boolean;
}

const noRuby = missing("ruby");
let dist = "";
let formulaFile = "";
const expectedSha = new Map<string, string>();

beforeAll(async () => {
  dist = join(await tmp(), "formula-dist");
  await mkdir(dist, { recursive: true });
  for (const t of TARGETS) {
    const name = archiveName(VERSION, t);
    await Bun.write(join(dist, name), `stand-in archive for ${t.os}-${t.arch} ${crypto.randomUUID()}\n`);
    const { stdout } = await run(["sha256sum", join(dist, name)]);
    expectedSha.set(`${t.os}-${t.arch}`, stdout.split(" ")[0]!);
  }
  formulaFile = join(dist, "modelmux.rb");
  await generateFormula({ distDir: dist, outFile: formulaFile, version: VERSION, baseUrl: "https://downloads.example.test/modelmux/v9" });
});

async function inspect(file: string): Promise<Inspection> {
  const { stdout } = await run(["ruby", join(import.meta.dir, "brew-shim.rb"), "inspect", file]);
  return JSON.parse(stdout) as Inspection;
}

describe("release base URL", () => {
  test("defaults to the GitHub release of the version; MODELMUX_RELEASE_BASE_URL overrides it", () => {
    expect(releaseBaseUrl("1.2.3", {})).toBe("https://github.com/modelmux/modelmux/releases/download/v1.2.3");
    expect(releaseBaseUrl("1.2.3", { MODELMUX_RELEASE_BASE_URL: "https://mirror.example.test/r/" })).toBe("https://mirror.example.test/r");
  });
});

describe.skipIf(Boolean(noRuby))("generated formula", () => {
  test("ruby -c passes", async () => {
    expect((await run(["ruby", "-c", formulaFile])).stdout).toContain("Syntax OK");
  });

  test("each darwin/linux arch has its archive's url and sha256 (no Windows)", async () => {
    const f = await inspect(formulaFile);
    expect(f.version).toBe(VERSION);
    expect(f.assets).toHaveLength(4);
    for (const a of f.assets) {
      expect(a.url).toBe(`https://downloads.example.test/modelmux/v9/modelmux-${VERSION}-${a.os}-${a.arch}.tar.gz`);
      expect(a.sha256).toBe(expectedSha.get(`${a.os}-${a.arch}`)!);
    }
    expect(new Set(f.assets.map((a) => `${a.os}-${a.arch}`))).toEqual(new Set(["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]));
  });

  test("service runs `serve` with keep_alive and logs under var/log; caveats cover config init and brew services", async () => {
    const f = await inspect(formulaFile);
    expect(f.service.run).toEqual(["/opt/homebrew/opt/modelmux/bin/modelmux", "serve"]);
    expect(f.service.keep_alive).toBe("true");
    expect(f.service.log_path).toBe("/opt/homebrew/var/log/modelmux.log");
    expect(f.service.error_log_path).toBe("/opt/homebrew/var/log/modelmux.log");
    expect(f.caveats).toContain("modelmux config init");
    expect(f.caveats).toContain("brew services start modelmux");
    expect(f.has_test).toBe(true);
    const text = await Bun.file(formulaFile).text();
    expect(text).toContain(`shell_output("#{bin}/modelmux --version")`);
    expect(text).toContain("/health");
  });

  test("a missing archive is an error, not a formula with a wrong checksum", async () => {
    const empty = join(await tmp(), "formula-empty");
    await mkdir(empty, { recursive: true });
    await expect(generateFormula({ distDir: empty, outFile: join(empty, "x.rb"), version: VERSION })).rejects.toThrow(/missing release archive/);
  });

  test("the committed Formula/modelmux.rb parses and is for the current version", async () => {
    const committed = join(REPO, "Formula", "modelmux.rb");
    if (!(await Bun.file(committed).exists())) {
      console.log("[packaging] skipped: Formula/modelmux.rb not generated yet (bun run package)");
      return;
    }
    expect((await run(["ruby", "-c", committed])).stdout).toContain("Syntax OK");
    const f = await inspect(committed);
    expect(f.version).toBe(VERSION);
    for (const a of f.assets) {
      expect(a.url.endsWith(`/modelmux-${VERSION}-${a.os}-${a.arch}.tar.gz`)).toBe(true);
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
