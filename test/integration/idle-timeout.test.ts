/**
 * Bun closes idle connections (here after 1 s); a chat request that waits longer for Claude — a slow
 * non-streaming answer or a quiet stream — must not be cut.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import { defineConfig } from "../../src/config/schema.ts";
import { silentLogger } from "../../src/observability/logger.ts";
import { listen, type RunningServer } from "../../src/server/serve.ts";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { vertexConfig } from "../helpers/gateway.ts";

let fake: FakeVertex;
let server: RunningServer;
beforeAll(async () => {
  fake = await startFakeVertex();
  const config = defineConfig(vertexConfig(fake.url, { streaming: { keepalive_ms: 0 } }));
  server = listen(createApp(config), { host: "127.0.0.1", port: 0, logger: silentLogger, graceSeconds: 1, idleTimeoutSeconds: 1 });
});
afterAll(async () => {
  await server.stop(false);
  await fake.close();
});

const chat = (stream: boolean) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: stream ? "text/event-stream" : "application/json" },
    body: JSON.stringify({ model: "claude-sonnet-4-5", stream, messages: [{ role: "user", content: "slow" }] }),
  });

test("a non-streaming answer slower than the idle timeout arrives", async () => {
  fake.reply({ message: { content: [{ type: "text", text: "worth the wait" }] }, delayMs: 2500 });
  const res = await chat(false);
  expect(res.status).toBe(200);
  expect(((await res.json()) as any).choices[0].message.content).toBe("worth the wait");
}, 15_000);

test("a stream silent for longer than the idle timeout completes (keep-alives off)", async () => {
  const ev = (d: Record<string, unknown>) => `event: ${d.type}\ndata: ${JSON.stringify(d)}\n\n`;
  // Three pieces, each after 1.3 s of silence (the idle timeout is 1 s).
  fake.reply({
    sse: [
      ev({ type: "message_start", message: { id: "msg_vrtx_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }),
      ev({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
        ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "late" } }),
      ev({ type: "content_block_stop", index: 0 }) +
        ev({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }) +
        ev({ type: "message_stop" }),
    ],
    delayMs: 1300,
  });
  const body = await (await chat(true)).text();
  expect(body).toContain('"content":"late"');
  expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
}, 15_000);
