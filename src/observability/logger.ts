/**
 * The logger every module receives (never a global). consola underneath; `json` writes one object per
 * line for journald, `pretty` is for terminals. Fields are structured, messages are short fragments.
 */
import type { createConsola } from "consola";
import type { LogFormat, LogLevel } from "../config/schema.ts";
import { redactFields, redactText } from "./redact.ts";

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `tag`. */
  withTag(tag: string): Logger;
  /** True when `level` would be written (guard expensive debug work). */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  format?: LogFormat;
  /** Where lines go (default: stderr for pretty, stdout for json). For tests. */
  write?: (line: string) => void;
}

/** consola's LogLevels. consola itself is loaded only for the pretty format: a JSON-logging service never pays its memory. */
const LEVEL_NUM: Record<LogLevel, number> = { trace: 5, debug: 4, info: 3, warn: 1, error: 0 };

export function createLogger(opts: LoggerOptions): Logger {
  const format = opts.format ?? (process.stdout.isTTY ? "pretty" : "json");
  const threshold = LEVEL_NUM[opts.level];
  if (format === "json") return jsonLogger(threshold, opts.write ?? ((l) => process.stdout.write(l + "\n")), undefined);
  const { createConsola: create } = require("consola") as { createConsola: typeof createConsola };
  const c = create({ level: threshold, throttle: 0 });
  return prettyLogger(c, threshold, undefined);
}

/** A logger that drops everything (library default, tests). */
export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  withTag() {
    return silentLogger;
  },
  enabled() {
    return false;
  },
};

function jsonLogger(threshold: number, write: (line: string) => void, tag: string | undefined): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVEL_NUM[level] > threshold) return;
    // Secrets never reach the log: secret-named fields are masked and tokens/keys scrubbed from text.
    write(JSON.stringify({ ts: new Date().toISOString(), level, ...(tag ? { tag } : {}), msg: redactText(msg), ...(fields ? redactFields(fields) : {}) }));
  };
  return {
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    withTag: (t) => jsonLogger(threshold, write, tag ? `${tag}:${t}` : t),
    enabled: (l) => LEVEL_NUM[l] <= threshold,
  };
}

function prettyLogger(c: ReturnType<typeof createConsola>, threshold: number, tag: string | undefined): Logger {
  const inst = tag ? c.withTag(tag) : c;
  const fmt = (fields?: LogFields) =>
    fields && Object.keys(fields).length
      ? " " + Object.entries(redactFields(fields)).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ")
      : "";
  return {
    trace: (m, f) => inst.trace(redactText(m) + fmt(f)),
    debug: (m, f) => inst.debug(redactText(m) + fmt(f)),
    info: (m, f) => inst.info(redactText(m) + fmt(f)),
    warn: (m, f) => inst.warn(redactText(m) + fmt(f)),
    error: (m, f) => inst.error(redactText(m) + fmt(f)),
    withTag: (t) => prettyLogger(c, threshold, tag ? `${tag}:${t}` : t),
    enabled: (l) => LEVEL_NUM[l] <= threshold,
  };
}
