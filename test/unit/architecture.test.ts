/** Import-direction rules from the architecture (README "Architecture"), checked over src/. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../../src");
const files = [...new Bun.Glob("**/*.ts").scanSync(SRC)];
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith(".")) out.push(relative(SRC, resolve(dirname(join(SRC, file)), spec)));
  }
  return out;
}

const violations = (pred: (file: string, target: string) => boolean) =>
  files.flatMap((f) => importsOf(f).filter((t) => pred(f, t)).map((t) => `${f} → ${t}`));

test("translate/ imports only wire/, errors.ts and itself", () => {
  expect(violations((f, t) => f.startsWith("translate/") && !/^(wire\/|translate\/|errors\.ts)/.test(t))).toEqual([]);
});

test("server/ never imports a concrete provider", () => {
  expect(violations((f, t) => f.startsWith("server/") && /^providers\/(vertex|mock)\//.test(t))).toEqual([]);
});

test("nothing but main.ts imports cli/", () => {
  expect(violations((f, t) => t.startsWith("cli/") && !f.startsWith("cli/") && f !== "main.ts")).toEqual([]);
});

test("only config/ and cli/ read process.env", () => {
  const readers = files.filter((f) => !f.startsWith("config/") && !f.startsWith("cli/") && f !== "main.ts")
    .filter((f) => /process\.env/.test(readFileSync(join(SRC, f), "utf8")));
  expect(readers).toEqual([]);
});

test("translation code is pure: no fetch, clock, randomness or logging", () => {
  const impure = files.filter((f) => f.startsWith("translate/"))
    .filter((f) => /\b(fetch\(|Date\.now|new Date\(|Math\.random|crypto\.|console\.|Bun\.)/.test(readFileSync(join(SRC, f), "utf8")));
  expect(impure).toEqual([]);
});
