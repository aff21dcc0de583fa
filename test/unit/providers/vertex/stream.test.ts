import { describe, expect, it } from "bun:test";
import { UpstreamError } from "../../../../src/errors.ts";
import { createDeadline } from "../../../../src/net/deadline.ts";
import { vertexBody } from "../../../../src/providers/vertex/index.ts";
import { vertexEvents } from "../../../../src/providers/vertex/stream.ts";
import type { MessagesRequest } from "../../../../src/wire/anthropic.ts";

/** A body that emits `chunks` (split at awkward places by the caller), then ends, errors or hangs. */
function body(chunks: string[], end: "close" | "hang" = "close"): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      if (end === "close") c.close();
    },
  });
}

const STOP = 'event: message_stop\ndata: {"type":"message_stop"}      \n\n';
/** A text delta event in Vertex's form. */
const textDelta = (text: string) =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })}\n\n`;
/** The text deltas of a whole stream, read through vertexEvents. */
async function textsOf(stream: ReadableStream<Uint8Array>, releaseReads: boolean): Promise<string[]> {
  const out: string[] = [];
  for await (const ev of vertexEvents(stream, { deadline: createDeadline(0), inactivityMs: 1000, releaseReads })) {
    if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") out.push(ev.delta.text);
  }
  return out;
}

describe("vertexEvents", () => {
  it("decodes padded data lines split across chunks, yielding ping/vertex_event/unknown types", async () => {
    const raw =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}          \n\n' +
      'event: ping\ndata: {"type": "ping"}\n\n' +
      'event: vertex_event\ndata: {"type":"vertex_event","usage":{}}   \n\n' +
      'event: brand_new\ndata: {"type":"brand_new"}\n\n' +
      "data: not json\n\n: comment\n\n" +
      STOP;
    const pieces = [raw.slice(0, 7), raw.slice(7, 50), raw.slice(50, 51), raw.slice(51)];
    const out = [];
    for await (const ev of vertexEvents(body(pieces), { deadline: createDeadline(0), inactivityMs: 1000 })) out.push(ev.type);
    expect(out).toEqual(["message_start", "ping", "vertex_event", "brand_new", "message_stop"]);
  });

  it("ends cleanly after an error event", async () => {
    const out = [];
    const raw = 'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"} }\n\n';
    for await (const ev of vertexEvents(body([raw]), { deadline: createDeadline(0), inactivityMs: 1000 })) out.push(ev);
    expect(out).toEqual([{ type: "error", error: { details: null, type: "overloaded_error", message: "Overloaded" } }] as never);
  });

  it("a body that ends without message_stop is a network error", async () => {
    const it = vertexEvents(body(['data: {"type":"message_start"}\n\n']), { deadline: createDeadline(0), inactivityMs: 1000 });
    await it.next();
    const e = await it.next().catch((x) => x);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe("network");
  });

  it("silence → timeout, and the deadline (i.e. the fetch) is aborted", async () => {
    const deadline = createDeadline(0);
    const it = vertexEvents(body([], "hang"), { deadline, inactivityMs: 15 });
    const e = await it.next().catch((x) => x);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe("timeout");
    expect(deadline.signal.aborted).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("return() settles a pending next() at once and aborts", async () => {
    const deadline = createDeadline(0);
    const it = vertexEvents(body([], "hang"), { deadline, inactivityMs: 60_000 });
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(deadline.signal.aborted).toBe(true);
  });

  it("events the body already holds come out of next() as settled promises, the end too (no wait, no watchdog)", async () => {
    const raw = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}\n\n' + STOP;
    const events = vertexEvents(body([raw.slice(0, 30), raw.slice(30)]), { deadline: createDeadline(0), inactivityMs: 1000 });
    await Bun.sleep(0); // the body's start() has enqueued everything
    const a = events.next();
    const b = events.next();
    const c = events.next();
    expect([a, b, c].map((p) => Bun.peek.status(p))).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect([(await a).value?.type, (await b).value?.type, (await c).done]).toEqual(["message_start", "message_stop", true]);
  });

  it("a body that errors after buffered data: the data, then a network error (no unhandled rejection)", async () => {
    const enc = new TextEncoder();
    const broken = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('data: {"type":"message_start","message":{"id":"m"}}\n\n'));
      },
      pull(c) {
        if (c.desiredSize !== null && c.desiredSize > 0) c.error(new Error("connection reset")); // the next read fails at once
      },
    });
    const events = vertexEvents(broken, { deadline: createDeadline(0), inactivityMs: 1000 });
    await Bun.sleep(0);
    expect((await events.next()).value?.type).toBe("message_start");
    const e = await events.next().catch((x) => x);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.message).toContain("connection reset");
  });

  /** A body the test ends by hand; `cancelled` tells whether the reader gave it up instead of reading it to its end. */
  function openBody(first: string) {
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const state = { cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        c.enqueue(new TextEncoder().encode(first));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state, end: () => ctrl.close(), more: (s: string) => ctrl.enqueue(new TextEncoder().encode(s)) };
  }
  const START = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}\n\n';

  it("ends right after message_stop without waiting for the body's end, then reads the body to its end (nothing aborted)", async () => {
    const b = openBody(START + STOP);
    const deadline = createDeadline(0);
    const events = vertexEvents(b.stream, { deadline, inactivityMs: 60_000 });
    expect((await events.next()).value?.type).toBe("message_start");
    expect((await events.next()).value?.type).toBe("message_stop");
    const end = events.next();
    expect(Bun.peek.status(end)).toBe("fulfilled"); // the body is still open
    expect(await end).toEqual({ done: true, value: undefined });
    b.more('data: {"type":"message_start","message":{"id":"late"}}\n\n'); // after message_stop: ignored
    b.end();
    await Bun.sleep(5);
    expect(deadline.signal.aborted).toBe(false); // the connection can go back to the pool
    expect(b.state.cancelled).toBe(false);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it("with releaseReads, frees a large read's buffer once it is decoded (a character split across reads survives); never a small read, a view, or anything without the option", async () => {
    const enc = new TextEncoder();
    const big = "é".repeat(24_000); // 48 kB of two-byte characters
    const bytes = enc.encode(`${textDelta(big)}${textDelta("ok")}${STOP}`);
    const cut1 = bytes.indexOf(0xa9, 20_000); // the second byte of an "é": the first read ends mid-character
    const cut2 = bytes.indexOf(0xa9, cut1 + 20_000);
    const own = bytes.slice(0, cut1); // a buffer of its own, like every read of a fetch body
    const shared = new Uint8Array(64 * 1024);
    shared.set(bytes.subarray(cut1, cut2));
    const view = shared.subarray(0, cut2 - cut1); // 20 kB, but a view of a larger buffer
    const small = bytes.slice(cut2); // under 16 kB
    const texts = async (releaseReads: boolean) => {
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of [own, view, small]) c.enqueue(chunk);
          c.close();
        },
      });
      return textsOf(stream, releaseReads);
    };
    expect(await texts(false)).toEqual([big, "ok"]);
    expect(own.byteLength).toBe(cut1); // not ours: nothing was freed, the same chunks can be read again
    expect(await texts(true)).toEqual([big, "ok"]);
    expect(own.buffer.byteLength).toBe(0); // detached: its memory went back at once
    expect(shared.byteLength).toBe(64 * 1024); // not ours to free
    expect(small.byteLength).toBeGreaterThan(0); // small: left to the collector
    expect(small.byteLength).toBe(small.buffer.byteLength);
  });

  it("with releaseReads, a read whose buffer cannot be detached (WebAssembly memory) is read as usual", async () => {
    const memory = new WebAssembly.Memory({ initial: 1 }); // 64 kB; transfer() throws on its buffer
    const size = memory.buffer.byteLength;
    const text = "y".repeat(size - textDelta("").length);
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(new TextEncoder().encode(textDelta(text)));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes);
        c.enqueue(new TextEncoder().encode(STOP));
        c.close();
      },
    });
    expect(await textsOf(stream, true)).toEqual([text]);
    expect(memory.buffer.byteLength).toBe(size);
  });

  it("drainReady hands out nothing after message_stop", async () => {
    const b = openBody(START + STOP + 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}\n\n');
    const events = vertexEvents(b.stream, { deadline: createDeadline(0), inactivityMs: 60_000 });
    await Bun.sleep(0);
    expect((await events.next()).value?.type).toBe("message_start");
    const seen: string[] = [];
    events.drainReady({ text: (_i, t) => seen.push(`text ${t}`), args: () => seen.push("args"), thinking: () => seen.push("thinking"), event: (e) => seen.push(e.type), full: () => false });
    expect(seen).toEqual(["message_stop"]);
    expect(await events.next()).toEqual({ done: true, value: undefined });
    b.end();
  });

  /** A stream whose body sent message_stop and stays open; the iterator has handed out its end. */
  async function endedButOpen(inactivityMs: number) {
    const b = openBody(STOP);
    const deadline = createDeadline(0);
    const events = vertexEvents(b.stream, { deadline, inactivityMs });
    expect((await events.next()).value?.type).toBe("message_stop");
    expect((await events.next()).done).toBe(true);
    expect(deadline.signal.aborted).toBe(false);
    /** Waits until the body is given up on (aborted and its reader cancelled). */
    const droppedSoon = async () => {
      for (let i = 0; i < 50 && !deadline.signal.aborted; i++) await Bun.sleep(5);
      expect(deadline.signal.aborted).toBe(true);
      expect(b.state.cancelled).toBe(true);
    };
    return { b, deadline, droppedSoon };
  }

  it("a body that stays open after message_stop is aborted after the inactivity limit (the caller already has its end)", async () => {
    await (await endedButOpen(15)).droppedSoon();
  });

  it("a body that keeps sending after message_stop is dropped after 64 kB", async () => {
    const { b, deadline, droppedSoon } = await endedButOpen(60_000);
    b.more(": padding\n\n".repeat(3000)); // 33 kB: still read
    await Bun.sleep(1);
    expect(deadline.signal.aborted).toBe(false);
    b.more(": padding\n\n".repeat(3000)); // 66 kB in all
    await droppedSoon();
  });

  it("a caller abort surfaces the caller's reason", async () => {
    const parent = new AbortController();
    const it = vertexEvents(body([], "hang"), { deadline: createDeadline(0, parent.signal), inactivityMs: 60_000 });
    const p = it.next();
    parent.abort(new Error("gone"));
    await expect(p).rejects.toThrow("gone");
  });
});

describe("vertexBody", () => {
  const req = { max_tokens: 10, messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] } as MessagesRequest;
  it("adds anthropic_version, drops model, sets stream only when streaming", () => {
    const withJunk = { ...req, model: "m", stream: false } as MessagesRequest;
    expect(vertexBody(withJunk, "vertex-2023-10-16", false)).toEqual({ ...req, anthropic_version: "vertex-2023-10-16" });
    expect(vertexBody(withJunk, "2026-10-21", true)).toEqual({ ...req, stream: true, anthropic_version: "2026-10-21" });
    expect("model" in withJunk).toBe(true); // the caller's object is not mutated
  });
});
