/**
 * Terminal output for CLI commands: colours only on a TTY (and never with NO_COLOR), status symbols,
 * and the one way problems are printed (key, source, message, fix).
 */
import type { ConfigProblem } from "../config/index.ts";

const useColor = (stream: NodeJS.WriteStream): boolean =>
  process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== "0" : Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";

const paint = (code: number, close: number) => (s: string) => (useColor(process.stdout) ? `\u001B[${code}m${s}\u001B[${close}m` : s);

export const c = {
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  cyan: paint(36, 39),
  dim: paint(2, 22),
  bold: paint(1, 22),
};

export const sym = {
  ok: () => c.green("✓"),
  fail: () => c.red("✗"),
  warn: () => c.yellow("!"),
  skip: () => c.dim("–"),
};

/** Writes lines to stdout. */
export function say(...lines: string[]): void {
  process.stdout.write(lines.join("\n") + "\n");
}

/** Writes lines to stderr. */
export function complain(...lines: string[]): void {
  process.stderr.write(lines.join("\n") + "\n");
}

/** Removes ANSI colour codes. */
export function stripAnsi(s: string): string {
  return s.replace(/\u001B\[[0-9;]*m/g, "");
}

/** Formats problems, errors first, as an indented block. */
export function formatProblems(problems: readonly ConfigProblem[]): string[] {
  const sorted = [...problems].sort((a, b) => (a.level === b.level ? 0 : a.level === "error" ? -1 : 1));
  const lines: string[] = [];
  for (const p of sorted) {
    const head = p.level === "error" ? `${sym.fail()} ${c.red("error")}  ` : `${sym.warn()} ${c.yellow("warning")}`;
    lines.push(`${head} ${c.bold(p.key)} ${c.dim(`(${p.source})`)}`);
    lines.push(`           ${p.message}`);
    if (p.fix) for (const [i, l] of p.fix.split("\n").entries()) lines.push(`           ${i === 0 ? c.cyan("fix: ") : "     "}${l}`);
  }
  return lines;
}

/** "2 errors, 1 warning". */
export function countProblems(problems: readonly ConfigProblem[]): string {
  const e = problems.filter((p) => p.level === "error").length;
  const w = problems.length - e;
  return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}`;
}
