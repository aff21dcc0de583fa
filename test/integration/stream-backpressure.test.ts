/**
 * Backpressure end to end: a client that does not read its stream holds the upstream back (the gateway
 * keeps about one batch, not the rest of the answer), gets every byte once it reads again, and is given up
 * on after `streaming.inactivity_timeout_ms` without reading. The client is the official SDK, whose fetch
 * stops reading the socket while nobody iterates the stream.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { sseEvent, startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { startGateway, vertexConfig, type TestGateway } from "../helpers/gateway.ts";

const DELTAS = 24_000;
const piece = (i: number) => `${i}:${"x".repeat(2000)}\n`;

/** A text answer of DELTAS deltas of ~2 kB each (48 MB upstream), one event per piece. */
function bigAnswer(): string[] {
  const usage = { input_tokens: 5, output_tokens: 1 };
  const message = { id: "msg_vrtx_bp", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage };
  const out = [
    sseEvent("message_start", { type: "message_start", message }),
    sseEvent("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  ];
  for (let i = 0; i < DELTAS; i++) out.push(sseEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece(i) } }));
  out.push(
    sseEvent("content_block_stop", { type: "content_block_stop", index: 0 }),
    sseEvent("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: DELTAS } }),
    sseEvent("message_stop", { type: "message_stop" }),
  );
  return out;
}

/** Waits until `read()` has not changed for `quietMs` (or `maxMs` passed); returns its last value. */
async function settled(read: () => number, quietMs = 400, maxMs = 10_000): Promise<number> {
  let last = read();
  let since = Date.now();
  for (const start = Date.now(); Date.now() - start < maxMs; ) {
    await Bun.sleep(50);
    const v = read();
    if (v !== last) [last, since] = [v, Date.now()];
    else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

let fake: FakeVertex | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  await fake?.close();
});

const REQUEST = { model: "claude-sonnet-4-5", messages: [{ role: "user" as const, content: "long" }], stream: true as const };

/** A gateway in front of a fake Vertex that will pace the big answer to whoever asks. */
async function start(inactivityMs?: number) {
  fake = await startFakeVertex();
  const streaming = inactivityMs ? { inactivity_timeout_ms: inactivityMs } : {};
  gw = await startGateway({ config: vertexConfig(fake.url, { streaming }) });
  const pieces = bigAnswer();
  fake.reply({ sse: pieces, paced: true });
  return { fake, gw, pieces };
}

/** start(), then an SDK stream whose body nobody reads yet. */
async function setUp(inactivityMs?: number) {
  const started = await start(inactivityMs);
  return { ...started, stream: await started.gw.client.chat.completions.create(REQUEST) };
}

describe("a client that does not read", () => {
  test("holds the upstream back, then gets the whole answer once it reads", async () => {
    const { fake, pieces, stream } = await setUp();
    const sentWhileIdle = await settled(() => fake.piecesSent);
    // Socket buffers on the way take some megabytes; the rest of the 48 MB waits at Vertex.
    expect(sentWhileIdle).toBeLessThan(pieces.length * 0.6);
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(fake.piecesSent).toBe(pieces.length);
    // Every byte, in order (the gateway frees large upstream reads as soon as it has decoded them).
    const expected = Array.from({ length: DELTAS }, (_, i) => piece(i)).join("");
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    expect(finish).toBe("stop");
  }, 30_000);

  test("going away while the gateway waits for it stops the upstream at once", async () => {
    const { fake, gw } = await start();
    const client = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(REQUEST),
      signal: client.signal,
    });
    expect(res.status).toBe(200);
    await settled(() => fake.piecesSent); // the gateway is now waiting for this client's socket
    expect(fake.abortedStreams).toBe(0);
    client.abort();
    await settled(() => fake.abortedStreams, 300, 5_000);
    expect(fake.abortedStreams).toBe(1);
    const access = gw.logs.map((l) => JSON.parse(l)).filter((l) => l.path === "/v1/chat/completions");
    expect(access.map((l) => [l.status, l.error])).toEqual([[499, "client disconnected"]]);
    expect(res.bodyUsed).toBe(false); // keeps `res` alive until here: a collected Response closes its connection
  }, 30_000);

  test("is given up on after inactivity_timeout_ms: upstream stopped, error frame at the end", async () => {
    const { fake, gw, stream } = await setUp(300);
    await settled(() => fake.abortedStreams, 600, 5_000);
    expect(fake.abortedStreams).toBe(1); // the gateway stopped the upstream without the client reading
    let text = "";
    let error: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    } catch (e) {
      error = e;
    }
    expect(text.startsWith(piece(0))).toBe(true); // what was already sent still arrives
    expect(String((error as Error)?.message)).toContain("did not read the stream for 300 ms");
    const access = gw.logs.map((l) => JSON.parse(l)).filter((l) => l.path === "/v1/chat/completions");
    expect(access.map((l) => [l.status, l.stream_mode, String(l.error)])).toEqual([[408, "standard", expect.stringContaining("did not read the stream")]]);
  }, 30_000);
});
