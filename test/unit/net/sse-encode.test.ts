import { describe, expect, test } from "bun:test";
import { SSEDecoder } from "../../../src/net/sse-decode.ts";
import { DONE_FRAME, encodeData, KEEPALIVE_FRAME } from "../../../src/net/sse-encode.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("sse-encode", () => {
  test("frames", () => {
    expect(text(encodeData({ a: 1 }))).toBe('data: {"a":1}\n\n');
    expect(text(DONE_FRAME)).toBe("data: [DONE]\n\n");
    expect(text(KEEPALIVE_FRAME)).toBe(": keep-alive\n\n");
  });

  test("newlines and non-ASCII inside values stay on one data line and round-trip through the decoder", () => {
    const value = { content: "line1\nline2\r\n\u2028 🎉 日本" };
    const frame = encodeData(value);
    expect(text(frame).split("\n").filter(Boolean)).toHaveLength(1);
    const d = new SSEDecoder();
    const msgs = [...d.push(frame), ...d.push(KEEPALIVE_FRAME), ...d.push(DONE_FRAME), ...d.end()];
    expect(msgs.map((m) => m.data)).toEqual([JSON.stringify(value), "[DONE]"]);
    expect(JSON.parse(msgs[0]!.data)).toEqual(value);
  });
});
