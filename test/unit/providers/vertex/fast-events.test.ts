import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../../src/errors.ts";
import { createDeadline } from "../../../../src/net/deadline.ts";
import { SSEDecoder } from "../../../../src/net/sse-decode.ts";
import { decodeFast } from "../../../../src/providers/vertex/fast-events.ts";
import { vertexEvents } from "../../../../src/providers/vertex/stream.ts";
import { CONTENT_CHUNK_TAIL, createChunkSerializer, TOOL_ARGS_MID, TOOL_ARGS_TAIL } from "../../../../src/translate/to-openai/chunk-json.ts";
import { createStreamTranslator, type StreamContext } from "../../../../src/translate/to-openai/stream.ts";
import type { StreamEvent } from "../../../../src/wire/anthropic.ts";

const DIR = new URL("../../../fixtures/streams/", import.meta.url);
const cases = [...new Bun.Glob("*.sse").scanSync(DIR.pathname)].map((f) => f.replace(".sse", "")).sort();
const BASE = { model: "claude-sonnet-4-5", created: 1755000000 };

/** Texts that exercise every escape JSON has, unicode escapes (BMP, surrogate pairs, lone), quotes, padding. */
const TRICKY = [
  "plain",
  'say "hi"',
  "back\\slash \\\\ double",
  "line\nbreak\r\n\ttab",
  "\b\f\u0001\u001f ctrl",
  "é",
  "😀 and 🎉👩‍💻",
  "\ud83d", // lone surrogate (JSON.stringify escapes it)
  "</script> / slash",
  "\u2028\u2029",
  "   ",
  "}}",
  '"}}',
];

/** The raw literal forms an upstream may send for a text (escaped differently than JSON.stringify would). */
function literals(text: string): string[] {
  const std = JSON.stringify(text);
  // Every UTF-16 unit as \uXXXX (lower- and upper-case hex), and `/` escaped as `\/`.
  const units = `"${Array.from({ length: text.length }, (_, i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`;
  const upper = units.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`);
  return [std, units, upper, std.replace(/\//g, "\\/")];
}

const data = (index: number, literal: string, pad1 = "", pad2 = "") =>
  `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${literal}}${pad1}}${pad2}`;
const argsData = (index: number, literal: string, pad1 = "", pad2 = "") =>
  `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${literal}}${pad1}}${pad2}`;
const thinkingData = (index: number, literal: string, pad1 = "", pad2 = "") =>
  `{"type":"content_block_delta","index":${index},"delta":{"type":"thinking_delta","thinking":${literal}}${pad1}}${pad2}`;

describe("decodeFast", () => {
  test.each(TRICKY)("a text, tool-argument or thinking delta decodes to what JSON.parse gives, keeping the literal: %j", (text) => {
    for (const lit of literals(text)) {
      const forms = [["", "", data], ["", "    ", data], ["      ", "", data], [" ", "  ", data], ["", "", argsData], ["   ", " ", argsData], ["", "", thinkingData], [" ", "   ", thinkingData]] as const;
      for (const [p1, p2, form] of forms) {
        const d = form(7, lit, p1, p2);
        const ev = decodeFast(d);
        expect(ev).toBeDefined();
        const { json, ...rest } = (ev as Extract<StreamEvent, { type: "content_block_delta" }>).delta as { json?: string };
        expect({ ...ev, delta: rest }).toEqual(JSON.parse(d));
        expect(json).toBe(lit);
        expect(JSON.parse(json!)).toBe(text);
      }
    }
  });

  test("indexes", () => {
    for (const i of [0, 1, 9, 10, 123456789]) expect(decodeFast(data(i, '"x"'))).toMatchObject({ index: i });
  });

  test("pings, padded or not", () => {
    expect(decodeFast('{"type": "ping"}')).toEqual({ type: "ping" });
    expect(decodeFast('{"type":"ping"}   ')).toEqual({ type: "ping" });
    expect(decodeFast('{"type": "ping"}x')).toBeUndefined();
    expect(decodeFast('{"type": "ping", "x": 1}')).toBeUndefined();
  });

  test("a text block's start, a block's stop and message_stop, padded or not, decode to what JSON.parse gives", () => {
    const forms = [
      `{"type":"message_stop"}`,
      `{"type":"message_stop" }   `,
      `{"type":"content_block_stop","index":0}`,
      `{"type":"content_block_stop","index":0          }`,
      `{"type":"content_block_stop","index":123456789}  `,
      `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      `{"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}  }     `,
      `{"type":"content_block_start","index":12,"content_block":{"type":"text","text":"" } }`,
    ];
    for (const d of forms) expect([d, decodeFast(d)]).toEqual([d, JSON.parse(d)]);
  });

  test("anything not in the exact form falls back (undefined)", () => {
    const bad = [
      data(0, '"x"', "", "\t"),
      data(0, '"x"', "\t"),
      data(0, '"x"') + "}",
      data(0, '"x"') + " x",
      `{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"x"}}`,
      `{"type":"content_block_delta","index":1234567890,"delta":{"type":"text_delta","text":"x"}}`,
      `{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}}`,
      `{"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"x"}}`,
      `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","extra":1}}`,
      `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","x":"b"}}`,
      `{"type":"content_block_delta","index":0,"delta":{"text":"x","type":"text_delta"}}`,
      `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"x","x":1}}`,
      `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"x"}}`,
      thinkingData(0, '"x'),
      `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"x","extra":1}}`,
      `{"type":"content_block_delta","index":0,"delta":{"partial_json":"x","type":"input_json_delta"}}`,
      argsData(0, '"a\\x"'),
      argsData(0, '"x"') + "}",
      `{"type":"content_block_delta","index":0, "delta":{"type":"text_delta","text":"x"}}`,
      data(0, '"a\\x"'),
      data(0, '"a\\u12g4"'),
      data(0, '"a\\u12"'),
      data(0, '"a\nb"'),
      data(0, '"a\u0000"'),
      data(0, '"a\\"'),
      data(0, '"unterminated'),
      `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"`,
      `{"type":"message_stop","x":1}`,
      `{"type":"message_stop"}x`,
      `{"type":"message_stop"`,
      `{"type":"content_block_stop","index":01}`,
      `{"type":"content_block_stop","index":0,"x":1}`,
      `{"type":"content_block_stop","index":0}}`,
      `{"type":"content_block_stop","index":0\t}`,
      `{"type":"content_block_stop","index":}`,
      `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"a"}}`,
      `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","citations":[]}}`,
      `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}`,
      `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}`,
      `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}}`,
    ];
    for (const d of bad) expect([d, decodeFast(d)]).toEqual([d, undefined]);
  });
});

/** A Vertex-style SSE body for a synthetic stream whose text deltas are `texts`, literals as given. */
function trickyStream(lits: string[]): string {
  const ev = (name: string, d: string) => `event: ${name}\ndata: ${d}\n\n`;
  return [
    ev("message_start", '{"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}   '),
    ev("ping", '{"type": "ping"}'),
    ev("content_block_start", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}  }'),
    ...lits.map((l, i) => ev("content_block_delta", data(0, l, i % 2 ? "   " : "", i % 3 ? " " : ""))),
    ev("content_block_stop", '{"type":"content_block_stop","index":0 }'),
    ev("message_delta", '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}'),
    ev("message_stop", '{"type":"message_stop"}  '),
  ].join("");
}

/** Text and tool-argument chunks written through the fast paths so far (to prove the tests take them). */
let rawHits = 0;
let argsHits = 0;
let thinkingHits = 0;

/**
 * The stream as the server takes it: batches through drainReady (text deltas as raw literals, rawText +
 * content), single events through next() (text deltas carrying `delta.json`) — frames parsed back. The body
 * arrives in `pieces` reads, so both ways are exercised.
 */
async function fastFrames(sse: string, ctx: StreamContext, pieces = 3): Promise<unknown[]> {
  const bytes = new TextEncoder().encode(sse);
  const size = Math.ceil(bytes.length / pieces);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, (at += size)));
    },
  });
  const t = createStreamTranslator(ctx);
  const json = createChunkSerializer();
  const out: unknown[] = [];
  const onText = (index: number, literal: string) => {
    if (t.rawText(index, literal)) {
      rawHits++;
      out.push(JSON.parse(json.content(t.id, ctx.created, ctx.model, literal)));
    } else for (const c of t.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: JSON.parse(literal) } })) out.push(JSON.parse(json.chunk(c)));
  };
  const onArgs = (index: number, literal: string) => {
    const k = t.rawArgs(index, literal);
    if (k >= 0) {
      argsHits++;
      const head = json.toolArgsHead(t.id, ctx.created, ctx.model);
      expect(head + k + TOOL_ARGS_MID + literal + TOOL_ARGS_TAIL).toBe(json.toolArgs(t.id, ctx.created, ctx.model, k, literal)); // the server's four pieces
      out.push(JSON.parse(json.toolArgs(t.id, ctx.created, ctx.model, k, literal)));
    } else for (const c of t.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.parse(literal) } })) out.push(JSON.parse(json.chunk(c)));
  };
  const onThinking = (index: number, literal: string) => {
    if (t.rawThinking(index, literal)) {
      thinkingHits++;
      const frame = json.reasoningHead(t.id, ctx.created, ctx.model) + literal + CONTENT_CHUNK_TAIL;
      out.push(JSON.parse(frame));
    } else for (const c of t.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: JSON.parse(literal) } })) out.push(JSON.parse(json.chunk(c)));
  };
  const onEvent = (ev: StreamEvent) => {
    const d = ev.type === "content_block_delta" ? ev.delta : undefined;
    if (d?.type === "text_delta" && typeof d.json === "string") onText((ev as { index: number }).index, d.json);
    else if (d?.type === "input_json_delta" && typeof d.json === "string") onArgs((ev as { index: number }).index, d.json);
    else if (d?.type === "thinking_delta" && typeof d.json === "string") onThinking((ev as { index: number }).index, d.json);
    else for (const c of t.push(ev)) out.push(JSON.parse(json.chunk(c)));
  };
  try {
    const events = vertexEvents(body, { deadline: createDeadline(0), inactivityMs: 5000 });
    for (;;) {
      events.drainReady({ text: onText, args: onArgs, thinking: onThinking, event: onEvent, full: () => false });
      const r = await events.next();
      if (r.done) break;
      onEvent(r.value);
    }
    for (const c of t.finish()) out.push(JSON.parse(json.chunk(c)));
  } catch (e) {
    if (!(e instanceof HttpError) && !(e instanceof Error && e.name === "UpstreamError")) throw e;
    out.push({ error: e.message });
  }
  return out;
}

/** The same stream through the plain path: JSON.parse of every event, chunk objects, JSON.stringify. */
function slowFrames(sse: string, ctx: StreamContext): unknown[] {
  const d = new SSEDecoder();
  const msgs = [...d.push(new TextEncoder().encode(sse)), ...d.end()];
  const t = createStreamTranslator(ctx);
  const out: unknown[] = [];
  try {
    for (const m of msgs) {
      let ev: StreamEvent;
      try {
        ev = JSON.parse(m.data) as StreamEvent;
      } catch {
        continue;
      }
      for (const c of t.push(ev)) out.push(JSON.parse(JSON.stringify(c)));
    }
    const sawEnd = msgs.some((m) => /"type": ?"(message_stop|error)"/.test(m.data));
    if (!sawEnd) throw Object.assign(new Error("the Vertex AI stream ended before message_stop"), { name: "UpstreamError" });
    for (const c of t.finish()) out.push(JSON.parse(JSON.stringify(c)));
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    out.push({ error: e.message });
  }
  return out;
}

describe("raw text and tool-argument fast paths: the frames parse to exactly the objects of the plain path", () => {
  test.each(cases)("fixture %s", async (name) => {
    const before = rawHits;
    const argsBefore = argsHits;
    const thinkingBefore = thinkingHits;
    const sse = await Bun.file(new URL(`${name}.sse`, DIR)).text();
    const expected = (await Bun.file(new URL(`${name}.chunks.json`, DIR)).json()) as { context: Omit<StreamContext, "model" | "created"> };
    for (const extra of [{}, { jsonTool: undefined }]) {
      const ctx: StreamContext = { ...BASE, ...expected.context, ...extra };
      const fast = await fastFrames(sse, ctx);
      const slow = slowFrames(sse, ctx);
      // A truncated stream: the vertex iterator throws an UpstreamError where the plain path's check does.
      expect(fast.length).toBe(slow.length);
      expect(fast.filter((f) => !(f as { error?: unknown }).error)).toEqual(slow.filter((f) => !(f as { error?: unknown }).error));
    }
    if (/"text_delta","text":"[^"]/.test(sse)) expect(rawHits).toBeGreaterThan(before);
    if (/"input_json_delta","partial_json":"[^"]/.test(sse) && !sse.includes('"name":"json_response"')) expect(argsHits).toBeGreaterThan(argsBefore);
    if (/"thinking_delta","thinking":"[^"]/.test(sse)) expect(thinkingHits).toBeGreaterThan(thinkingBefore);
  });

  test("escapes, unicode escapes, quotes, backslashes, newlines, padding", async () => {
    const lits = TRICKY.flatMap(literals);
    const sse = trickyStream(lits);
    const before = rawHits;
    for (const ctx of [
      { ...BASE, includeUsage: true },
      { ...BASE, includeUsage: false, jsonTool: "json_response" },
    ] as StreamContext[]) {
      const fast = await fastFrames(sse, ctx);
      expect(fast).toEqual(slowFrames(sse, ctx));
    }
    const content = (await fastFrames(sse, { ...BASE, includeUsage: false } as StreamContext))
      .map((c) => (c as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
      .join("");
    expect(content).toBe(lits.map((l) => JSON.parse(l) as string).join(""));
    expect(rawHits - before).toBe(2 * lits.length); // every delta (the role chunk came at message_start), jsonTool mode never
  });

  test("the fast path is really taken for text deltas after the role chunk", async () => {
    const t = createStreamTranslator({ ...BASE, includeUsage: false } as StreamContext);
    const ev = decodeFast(data(0, '"a\\"b"'))!;
    expect(t.rawText(0, '"a\\"b"')).toBe(false); // role chunk still owed
    t.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(t.push(ev)).toHaveLength(2); // role + text
    expect(t.rawText(0, '"a\\"b"')).toBe(true);
    expect(t.rawText(0, '""')).toBe(false); // empty text: no chunk at all
    expect(t.rawText(1, '"x"')).toBe(true); // unannounced block: kept, as push does
    t.push({ type: "content_block_start", index: 2, content_block: { type: "thinking", thinking: "" } });
    expect(t.rawText(2, '"x"')).toBe(false); // text for a thinking block: push() ignores it
  });
});

describe("tool-argument fast path", () => {
  test("escapes in argument pieces, tool calls of two blocks, the JSON tool, pieces after the finish", async () => {
    const ev = (name: string, d: string) => `event: ${name}\ndata: ${d}\n\n`;
    const lits = TRICKY.flatMap(literals);
    const tool = (index: number, name: string) =>
      ev("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":"toolu_${index}","name":"${name}","input":{}}}`) +
      lits.map((l, i) => ev("content_block_delta", argsData(index, l, i % 2 ? "  " : "", i % 3 ? " " : ""))).join("") +
      ev("content_block_delta", argsData(index, '""')) +
      ev("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
    const sse = [
      ev("message_start", '{"type":"message_start","message":{"id":"msg_t","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}'),
      tool(0, "get_weather"),
      tool(1, "json_response"),
      tool(3, "lookup"),
      ev("message_delta", '{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}'),
      ev("message_stop", '{"type":"message_stop"}'),
      ev("content_block_delta", argsData(3, '"late"')),
    ].join("");
    for (const extra of [{}, { jsonTool: "json_response" }]) {
      const ctx = { ...BASE, includeUsage: true, ...extra } as StreamContext;
      for (const pieces of [1, 3, 7]) {
        const before = argsHits;
        expect(await fastFrames(sse, ctx, pieces)).toEqual(slowFrames(sse, ctx));
        // Every non-empty piece of a real tool call; the JSON tool's text and the empty pieces take the slow path.
        expect(argsHits - before).toBe(lits.length * (extra.jsonTool ? 2 : 3));
      }
    }
  });

  test("rawArgs: only for a started tool call, non-empty, before the finish; marks the call as having arguments", () => {
    const t = createStreamTranslator({ ...BASE, includeUsage: false } as StreamContext);
    expect(t.rawArgs(0, '"x"')).toBe(-1); // nothing started
    t.push({ type: "message_start", message: { id: "m", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } } as StreamEvent);
    expect(t.rawArgs(0, '"x"')).toBe(-1); // no such block
    t.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(t.rawArgs(0, '"x"')).toBe(-1); // a text block
    t.push({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "a", name: "f", input: {} } });
    t.push({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "b", name: "g", input: { q: 1 } } });
    expect(t.rawArgs(1, '""')).toBe(-1); // empty: no chunk at all
    expect(t.rawArgs(2, '"{}"')).toBe(1);
    // The call streamed arguments, so its stop adds none (its start input is not repeated).
    expect(t.push({ type: "content_block_stop", index: 2 })).toEqual([]);
    expect(t.push({ type: "content_block_stop", index: 1 })).toHaveLength(1); // "{}" for the call without any
    t.push({ type: "message_stop" });
    expect(t.rawArgs(2, '"x"')).toBe(-1); // after the finish chunk
  });
});

describe("thinking fast path", () => {
  test("escapes, two thinking blocks (the separator), a redacted block, text between, an unannounced block", async () => {
    const ev = (name: string, d: string) => `event: ${name}\ndata: ${d}\n\n`;
    const lits = TRICKY.flatMap(literals);
    const thinking = (index: number) =>
      ev("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"thinking","thinking":"","signature":""}}`) +
      ev("content_block_delta", thinkingData(index, '""')) +
      lits.map((l, i) => ev("content_block_delta", thinkingData(index, l, i % 2 ? "  " : "", i % 3 ? " " : ""))).join("") +
      ev("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":{"type":"signature_delta","signature":"sig${index}"}}`) +
      ev("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
    const sse = [
      ev("message_start", '{"type":"message_start","message":{"id":"msg_r","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}'),
      thinking(0),
      ev("content_block_start", '{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"abc"}}'),
      ev("content_block_delta", thinkingData(1, '"ignored: a redacted block"')),
      ev("content_block_stop", '{"type":"content_block_stop","index":1}'),
      ev("content_block_start", '{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}'),
      ev("content_block_delta", data(2, '"between"')),
      ev("content_block_delta", thinkingData(2, '"ignored: a text block"')),
      ev("content_block_stop", '{"type":"content_block_stop","index":2}'),
      thinking(3),
      ev("content_block_delta", thinkingData(9, '"unannounced"')),
      ev("message_delta", '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}'),
      ev("message_stop", '{"type":"message_stop"}'),
    ].join("");
    const ctx = { ...BASE, includeUsage: true } as StreamContext;
    for (const pieces of [1, 4, 9]) {
      const before = thinkingHits;
      const fast = await fastFrames(sse, ctx, pieces);
      expect(fast).toEqual(slowFrames(sse, ctx));
      // All but the first piece of the second block (it carries the separator), and the unannounced one.
      expect(thinkingHits - before).toBe(2 * lits.length - 1 + 1);
      const blocks = fast.flatMap((c) => (c as { choices: { delta: { thinking_blocks?: { type: string; thinking: string; signature: string }[] } }[] }).choices[0]?.delta.thinking_blocks ?? []);
      const text = lits.map((l) => JSON.parse(l) as string).join("");
      // The closing thinking_blocks chunks carry each block's whole text (what a client sends back).
      expect(blocks.filter((b) => b.type === "thinking").map((b) => [b.thinking, b.signature])).toEqual([[text, "sig0"], [text, "sig3"]]);
    }
  });
});

describe("ChunkSerializer.content", () => {
  test.each(TRICKY)("gives JSON.stringify's text for a JSON.stringify literal: %j", (text) => {
    const s = createChunkSerializer();
    const chunk = { id: "chatcmpl-x\"y", object: "chat.completion.chunk", created: 5, model: "m/é", choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }], usage: null };
    expect(s.content(chunk.id, chunk.created, chunk.model, JSON.stringify(text))).toBe(JSON.stringify(chunk));
    expect(s.contentHead(chunk.id, chunk.created, chunk.model) + JSON.stringify(text) + CONTENT_CHUNK_TAIL).toBe(JSON.stringify(chunk)); // written in three pieces
    expect(s.chunk(chunk as never)).toBe(JSON.stringify(chunk)); // shares the cached head
    expect(s.content("other", 6, "m", '"z"')).toBe(JSON.stringify({ ...chunk, id: "other", created: 6, model: "m", choices: [{ ...chunk.choices[0], delta: { content: "z" } }] }));
    const call = { ...chunk, choices: [{ ...chunk.choices[0], delta: { tool_calls: [{ index: 12, function: { arguments: text } }] } }] };
    expect(s.toolArgs(chunk.id, chunk.created, chunk.model, 12, JSON.stringify(text))).toBe(JSON.stringify(call));
    const reasoning = { ...chunk, choices: [{ ...chunk.choices[0], delta: { reasoning_content: text } }] };
    expect(s.reasoningHead(chunk.id, chunk.created, chunk.model) + JSON.stringify(text) + CONTENT_CHUNK_TAIL).toBe(JSON.stringify(reasoning));
  });
});
