/**
 * The four targets, each its own process: (a) the fake upstream itself, (b) the pass-through proxy,
 * (c) modelmux from source, (d) the compiled binary. Each knows how to address a request for a mode.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Child, freePort, spawnServer } from "./proc.ts";
import { CLIENT_MODEL, type ModeName, PROJECT, REGION, VERTEX_MODEL, openaiBody, vertexBody, vertexPath } from "./scenarios.ts";

export type TargetKey = "a" | "b" | "c" | "d" | "e";

export const TARGET_LABEL: Record<TargetKey, string> = {
  a: "(a) direct to fake upstream",
  b: "(b) Bun pass-through proxy",
  c: "(c) modelmux (bun src/main.ts)",
  d: "(d) modelmux (compiled binary)",
  e: "(e) modelmux from --compare DIR",
};

export const ROOT = resolve(import.meta.dir, "..", "..");
export const OUT = join(ROOT, "bench", "out");
export const BINARY = join(ROOT, "dist", "modelmux");

export interface Target {
  key: TargetKey;
  child: Child;
  /** URL and body file for a mode. */
  url(mode: ModeName): string;
  bodyFile(mode: ModeName): string;
  body(mode: ModeName): string;
  headers: Record<string, string>;
}

/** Writes the request bodies once to bench/out/bodies/. */
export async function writeBodies(): Promise<void> {
  mkdirSync(join(OUT, "bodies"), { recursive: true });
  for (const mode of ["json", "stream20", "stream1000", "tool"] as const) {
    await Bun.write(join(OUT, "bodies", `openai-${mode}.json`), openaiBody(mode));
    await Bun.write(join(OUT, "bodies", `vertex-${mode}.json`), vertexBody(mode));
  }
}

/** The environment the gateway runs with: everything from env vars, nothing from the user's files. */
export function gatewayEnv(upstreamUrl: string, port: number): Record<string, string> {
  const home = join(OUT, "home");
  mkdirSync(home, { recursive: true });
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    MODELMUX_CONFIG: "",
    MODELMUX_SYSTEM_CONFIG: join(home, "none.toml"),
    MODELMUX_VERTEX_BASE_URL: upstreamUrl,
    MODELMUX_AUTH_ACCESS_TOKEN: "bench",
    VERTEX_PROJECT: PROJECT,
    VERTEX_REGION: REGION,
    VERTEX_MODEL_ID: VERTEX_MODEL,
    MODELMUX_SERVER_HOST: "127.0.0.1",
    MODELMUX_SERVER_PORT: String(port),
    MODELMUX_SERVER_LOG_LEVEL: "warn",
    LOG_LEVEL: "warn",
    NO_COLOR: "1",
  };
}

/** Starts the fake upstream (`--chunking whole|event`). */
export function startFake(chunking: string): Promise<Child> {
  return spawnServer({ name: "fake upstream", cmd: [process.execPath, join(ROOT, "bench", "fake-upstream.ts"), "--chunking", chunking] });
}

/** Starts one target process in front of `fake`; (c) runs `source`/src/main.ts, (e) `compare`/src/main.ts. */
export async function startTarget(key: TargetKey, fake: Child, source = ROOT, compare = ROOT): Promise<Target> {
  const vertexTarget = (child: Child): Target => ({
    key,
    child,
    url: (m) => child.url + vertexPath(m),
    bodyFile: (m) => join(OUT, "bodies", `vertex-${m}.json`),
    body: vertexBody,
    headers: { Authorization: "Bearer bench" },
  });
  if (key === "a") return vertexTarget(fake);
  if (key === "b") {
    const child = await spawnServer({
      name: "pass-through",
      cmd: [process.execPath, join(ROOT, "bench", "passthrough-proxy.ts")],
      env: { UPSTREAM_URL: fake.url },
    });
    return vertexTarget(child);
  }
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const fromSource = (dir: string) => [process.execPath, "--no-env-file", join(dir, "src", "main.ts"), "serve"];
  const cmd = key === "c" ? fromSource(source) : key === "e" ? fromSource(compare) : [BINARY, "serve"];
  if (key === "d" && !existsSync(BINARY)) throw new Error(`${BINARY} is missing (run \`bun run build\`)`);
  const child = await spawnServer({ name: TARGET_LABEL[key], cmd, env: gatewayEnv(fake.url, port), cwd: OUT, url, readyPath: "/health" });
  return {
    key,
    child,
    url: () => `${url}/v1/chat/completions`,
    bodyFile: (m) => join(OUT, "bodies", `openai-${m}.json`),
    body: openaiBody,
    headers: { Authorization: "Bearer bench" },
  };
}

/** One request per mode through a target; throws unless the answer is a complete, successful one. */
export async function checkTarget(t: Target, modes: readonly ModeName[]): Promise<void> {
  for (const mode of modes) {
    const res = await fetch(t.url(mode), { method: "POST", headers: { ...t.headers, "content-type": "application/json" }, body: t.body(mode) });
    const text = await res.text();
    const gateway = t.key !== "a" && t.key !== "b";
    const ok =
      res.status === 200 &&
      (mode === "json"
        ? gateway
          ? text.includes('"chat.completion"') && text.includes(`"${CLIENT_MODEL}"`)
          : text.includes('"end_turn"')
        : gateway
          ? text.trimEnd().endsWith("data: [DONE]") && (mode !== "tool" || text.includes('"tool_calls"'))
          : text.includes("message_stop"));
    if (!ok) throw new Error(`${TARGET_LABEL[t.key]} gave a bad ${mode} answer (HTTP ${res.status}): ${text.slice(0, 400)}`);
  }
}
