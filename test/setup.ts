/**
 * Preloaded before the test files (bunfig.toml): one scratch directory for the whole `bun test` run,
 * removed after the last test. (`bun test` runs no process "exit" handlers, so a directory removed on
 * exit was never removed: every run of the packaging tests left ~440 MB in the temp directory.)
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string | undefined;

/** The run's scratch directory (made on first use). */
export function testScratch(): string {
  dir ??= mkdtempSync(join(tmpdir(), "modelmux-test-"));
  return dir;
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
