/**
 * Questions for `config init`. On a terminal they are consola prompts (text answers use readline); when stdin is not a TTY
 * (piped answers, scripts, tests) consola's prompts cannot run (they need raw mode), so a plain line
 * reader asks the same questions: one answer per line, an empty line takes the default, and for a
 * choice either its number or its value is accepted.
 */
import { createInterface } from "node:readline";
import { c } from "./output.ts";

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

export interface Prompter {
  text(message: string, opts?: { default?: string; validate?: (v: string) => string | undefined }): Promise<string>;
  confirm(message: string, def: boolean): Promise<boolean>;
  select<T extends string>(message: string, choices: Array<Choice<T>>, def: T): Promise<T>;
  /** Releases stdin so the process can exit. */
  close(): void;
}

/** Thrown when the user cancels (Ctrl-C) or stdin ends before a required answer. */
export class PromptAborted extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "PromptAborted";
  }
}

/** consola prompts on a TTY, the line reader otherwise. */
export function createPrompter(): Prompter {
  return process.stdin.isTTY ? consolaPrompter() : linePrompter(process.stdin, (s) => process.stdout.write(s));
}

function consolaPrompter(): Prompter {
  const ask = async (message: string, opts: Record<string, unknown>): Promise<unknown> => {
    const { consola } = await import("consola");
    try {
      return await consola.prompt(message, { ...opts, cancel: "reject" } as never);
    } catch {
      throw new PromptAborted();
    }
  };
  return {
    async text(message, opts = {}) {
      for (;;) {
        const v = (await ttyQuestion(`${c.cyan("?")} ${c.bold(message)}${opts.default ? c.dim(` (${opts.default})`) : ""} `)).trim() || (opts.default ?? "");
        const bad = opts.validate?.(v) ?? (v === "" ? "an answer is required" : undefined);
        if (!bad) return v;
        process.stdout.write(`  ${c.yellow(bad)}\n`);
      }
    },
    async confirm(message, def) {
      return Boolean(await ask(message, { type: "confirm", initial: def }));
    },
    async select(message, choices, def) {
      const options = choices.map((ch) => ({ value: ch.value, label: ch.label, hint: ch.hint }));
      return (await ask(message, { type: "select", options, initial: def })) as typeof def;
    },
    close() {
      // clack and readline leave stdin flowing, which would keep the process alive.
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stdin.unref?.();
    },
  };
}

/**
 * One line from the terminal with readline editing. (consola's text prompt is not used: under Bun its
 * typed value comes back undefined, while its select and confirm prompts work.)
 */
function ttyQuestion(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on("SIGINT", () => {
      rl.close();
      reject(new PromptAborted());
    });
    rl.on("close", () => {
      if (!answered) reject(new PromptAborted());
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/** The line-based prompter (exported for tests). */
export function linePrompter(input: NodeJS.ReadableStream, write: (s: string) => void): Prompter {
  const rl = createInterface({ input, terminal: false });
  const queue: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  rl.on("line", (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  rl.on("close", () => {
    ended = true;
    while (waiting.length) waiting.shift()!(undefined);
  });
  const next = (): Promise<string | undefined> =>
    queue.length ? Promise.resolve(queue.shift()) : ended ? Promise.resolve(undefined) : new Promise((r) => waiting.push(r));

  const read = async (question: string, def: string | undefined): Promise<string> => {
    write(question);
    const line = await next();
    if (line === undefined) {
      write("\n");
      if (def === undefined) throw new PromptAborted(`no answer for "${question.trim()}" (input ended)`);
      return def;
    }
    write(`${line}\n`); // echo piped answers so the transcript reads well
    return line.trim() === "" && def !== undefined ? def : line.trim();
  };

  return {
    async text(message, opts = {}) {
      for (let i = 0; ; i++) {
        const v = await read(`? ${message}${opts.default ? ` [${opts.default}]` : ""}: `, opts.default);
        const bad = opts.validate?.(v) ?? (v === "" ? "an answer is required" : undefined);
        if (!bad) return v;
        write(`  ${bad}\n`);
        if (i >= 4) throw new PromptAborted(`no valid answer for "${message}"`);
      }
    },
    async confirm(message, def) {
      for (let i = 0; ; i++) {
        const v = (await read(`? ${message} (${def ? "Y/n" : "y/N"}): `, def ? "y" : "n")).toLowerCase();
        if (["y", "yes", "true", "1"].includes(v)) return true;
        if (["n", "no", "false", "0"].includes(v)) return false;
        write("  please answer y or n\n");
        if (i >= 4) throw new PromptAborted(`no valid answer for "${message}"`);
      }
    },
    async select(message, choices, def) {
      write(`? ${message}\n`);
      choices.forEach((c, i) => write(`  ${i + 1}) ${c.label}${c.hint ? ` — ${c.hint}` : ""}\n`));
      const defIndex = choices.findIndex((c) => c.value === def) + 1;
      for (let i = 0; ; i++) {
        const v = await read(`  choose 1-${choices.length} [${defIndex}]: `, String(defIndex));
        const byNum = /^\d+$/.test(v) ? choices[Number(v) - 1] : undefined;
        const hit = byNum ?? choices.find((c) => c.value.toLowerCase() === v.toLowerCase());
        if (hit) return hit.value;
        write(`  please enter a number from 1 to ${choices.length}\n`);
        if (i >= 4) throw new PromptAborted(`no valid answer for "${message}"`);
      }
    },
    close() {
      rl.close();
    },
  };
}
