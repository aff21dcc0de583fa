/**
 * `modelmux config validate`: every problem at once (key, source, fix), warnings included; exit 1 on
 * any error. `--check-upstream` then mints a token and sends a 1-token request to each model.
 * (`modelmux validate` is a hidden alias, as in the original.)
 */
import { defineCommand } from "citty";
import { type ConfigInspection, inspectConfig } from "../../config/index.ts";
import { c, countProblems, formatProblems, say, sym } from "../output.ts";
import { assertKnownFlags, configArgs, guard, loadOptionsFrom } from "../shared-args.ts";
import type { CheckRow } from "../upstream-check.ts";

const args = {
  ...configArgs,
  "check-upstream": { type: "boolean", description: "Also mint an access token and send a 1-token request to each model" },
  json: { type: "boolean", description: "Machine-readable output" },
} as const;

export const validateCommand = defineCommand({
  meta: { name: "validate", description: "Check the configuration and report every problem with a fix" },
  args,
  async run({ args: a, rawArgs }) {
    await guard(() => assertKnownFlags(rawArgs, args, "config validate"));
    const r = inspectConfig(loadOptionsFrom(a));
    const errors = r.problems.filter((p) => p.level === "error");
    let rows: CheckRow[] = [];
    if (a["check-upstream"] && errors.length === 0) rows = await upstreamRows(r);
    const failed = errors.length > 0 || rows.some((x) => x.status === "fail");
    if (a.json) {
      say(JSON.stringify({ valid: !failed, files: r.files, problems: r.problems, upstream: a["check-upstream"] ? rows : undefined }, null, 2));
    } else {
      say(...report(r, rows, Boolean(a["check-upstream"])));
    }
    if (failed) process.exitCode = 1;
  },
});

export const validateAliasCommand = defineCommand({ ...validateCommand, meta: { name: "validate", description: "Same as `modelmux config validate`", hidden: true } });

async function upstreamRows(r: ConfigInspection): Promise<CheckRow[]> {
  if (r.config.vertex.provider === "mock") return [{ status: "skip", label: "upstream", detail: "provider is mock (the built-in demo); nothing to check" }];
  const { checkToken, checkModel, configuredTargets } = await import("../upstream-check.ts");
  const token = await checkToken(r.config);
  const rows = [token.row];
  if (!token.tokens) return rows;
  for (const t of configuredTargets(r.config)) rows.push(await checkModel(r.config, token.tokens, t));
  return rows;
}

function report(r: ConfigInspection, rows: CheckRow[], checked: boolean): string[] {
  const lines: string[] = [c.bold("Config files:")];
  for (const f of r.files) {
    const mark = f.status === "loaded" ? sym.ok() : f.status === "error" ? sym.fail() : sym.skip();
    lines.push(`  ${mark} ${f.status.padEnd(8)} ${f.path} ${c.dim(`(${f.kind})`)}`);
  }
  const v = r.config.vertex;
  const provider = v.provider === "mock" ? `mock ${c.dim(`(built-in demo; ${r.sources["vertex.provider"]})`)}` : `vertex ${c.dim(`project ${v.project ?? "?"}, region ${v.region ?? "?"}, model ${v.model ?? v.models[0]?.model ?? "?"}${v.models.length ? ` (+${v.models.length} in [[vertex.models]])` : ""}`)}`;
  lines.push(`${c.bold("Provider:")} ${provider}`, "");
  if (r.problems.length) lines.push(...formatProblems(r.problems), "");
  const errors = r.problems.filter((p) => p.level === "error").length;
  if (errors) lines.push(`${sym.fail()} ${c.red("Configuration is invalid")}: ${countProblems(r.problems)}`);
  else lines.push(`${sym.ok()} ${c.green("Configuration is valid")}${r.problems.length ? ` (${countProblems(r.problems)})` : ""}`);
  if (checked) {
    if (errors) lines.push(`${sym.skip()} upstream checks skipped: fix the errors first`);
    else {
      lines.push("", c.bold("Upstream:"));
      lines.push(...formatRows(rows));
    }
  }
  return lines;
}

/** Checklist rows as lines. */
export function formatRows(rows: CheckRow[]): string[] {
  const mark = { ok: sym.ok, fail: sym.fail, warn: sym.warn, skip: sym.skip };
  return rows.flatMap((x) => [`  ${mark[x.status]()} ${c.bold(x.label)}: ${x.detail}`, ...(x.fix ? [`      ${c.cyan("fix:")} ${x.fix}`] : [])]);
}
