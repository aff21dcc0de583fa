/**
 * Lifecycle through the real binary entry (`bun src/main.ts serve` as a subprocess): SIGTERM stops
 * accepting, lets an open stream finish, exits 0; a stream that outlives the grace period is cut and the
 * process still exits 0. Every line the process writes is checked for secrets.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { hashApiKey } from "../../src/server/access.ts";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { KEYS, SECRETS } from "../helpers/ops-gateway.ts";
import { createCliSandbox, type CliSandbox } from "./cli-harness.ts";

const ACCESS_TOKEN = "ya29.test-access-token-DO-NOT-LOG";
let fake: FakeVertex;
let box: CliSandbox;
beforeAll(async () => {
  fake = await startFakeVertex({ eventDelayMs: 60 });
  box = createCliSandbox();
});
afterAll(async () => {
  await fake.close();
  box.cleanup();
});

interface Proc {
  url: string;
  exited: Promise<number>;
  kill(sig: NodeJS.Signals): void;
  output(): string;
}

async function serve(graceSeconds: number): Promise<Proc> {
  const config = box.write(
    `cfg-${graceSeconds}.toml`,
    [
      "[server]",
      'host = "127.0.0.1"',
      "port = 0",
      'log_format = "json"',
      'log_level = "debug"',
      `shutdown_grace_seconds = ${graceSeconds}`,
      "[auth]",
      `access_token = "${ACCESS_TOKEN}"`,
      "[[auth.api_keys]]",
      'name = "full"',
      `sha256 = "${hashApiKey(KEYS.full)}"`,
      "[vertex]",
      'provider = "vertex"',
      'project = "p1"',
      'region = "us-east5"',
      'model = "claude-sonnet-4-5@20250929"',
      `base_url = "${fake.url}"`,
    ].join("\n"),
  );
  const proc = box.spawn(["serve", "--config", config]);
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s as unknown as AsyncIterable<Uint8Array>) out += dec.decode(chunk, { stream: true });
  };
  const pumping = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const deadline = Date.now() + 10_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1];
    if (!url) await Bun.sleep(20);
  }
  if (!url) {
    proc.kill("SIGKILL");
    throw new Error(`server did not start:\n${out}`);
  }
  return { url, exited: proc.exited.then(async (c) => (await pumping, c)), kill: (s) => proc.kill(s), output: () => out };
}

const streamRequest = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEYS.full}`, "content-type": "application/json", "x-request-id": "drain-me" },
    body: JSON.stringify({ model: "claude-sonnet-4-5", stream: true, messages: [{ role: "user", content: "a fairly long prompt to echo back slowly" }] }),
  });

async function refusesConnections(url: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`${url}/livez`, { keepalive: false });
    } catch {
      return true;
    }
    await Bun.sleep(20);
  }
  return false;
}

test("SIGTERM during a stream: new connections refused, the stream finishes, exit code 0", async () => {
  fake.clear();
  const p = await serve(10);
  const res = await streamRequest(p.url);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = dec.decode((await reader.read()).value);
  p.kill("SIGTERM");
  expect(await refusesConnections(p.url)).toBe(true);
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    text += dec.decode(r.value);
  }
  const content = text
    .split("\n\n")
    .filter((f) => f.startsWith("data: {"))
    .map((f) => JSON.parse(f.slice(6)).choices[0]?.delta?.content ?? "")
    .join("");
  expect(content).toBe("Echo: a fairly long prompt to echo back slowly");
  expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  expect(await p.exited).toBe(0);
  const out = p.output();
  expect(out).toContain("shutting down");
  const access = out.split("\n").filter((l) => l.includes('"request_id":"drain-me"') && l.includes('"msg":"request"'));
  expect(access.length).toBe(1);
  expect(JSON.parse(access[0]!)).toMatchObject({ status: 200, key: "full" });
  for (const s of SECRETS) expect(out).not.toContain(s);
}, 20_000);

test("a stream that outlives the grace period is cut, and the process still exits 0", async () => {
  fake.clear();
  fake.reply({ sse: ['event: message_start\ndata: {"type":"message_start","message":{"id":"msg_vrtx_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}\n\n'], stall: true });
  const p = await serve(1);
  const res = await streamRequest(p.url);
  expect(res.status).toBe(200);
  const t0 = Date.now();
  p.kill("SIGTERM");
  const body = res.text().catch(() => "cut");
  expect(await p.exited).toBe(0);
  const took = Date.now() - t0;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(8_000);
  await body;
  const out = p.output();
  expect(out).toContain("grace period over");
  for (const s of SECRETS) expect(out).not.toContain(s);
}, 20_000);
