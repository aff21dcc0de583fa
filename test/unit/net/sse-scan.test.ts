/** SSEScanner must deliver exactly the data SSEDecoder does, however the bytes are split. */
import { describe, expect, test } from "bun:test";
import { SSEDecoder } from "../../../src/net/sse-decode.ts";
import { SSEScanner } from "../../../src/net/sse-scan.ts";

const STREAMS = new URL("../../fixtures/streams/", import.meta.url);
const fixtures = [...new Bun.Glob("*.sse").scanSync(STREAMS.pathname)].sort();
const enc = new TextEncoder();

/** Data of every event, draining after each piece (as the stream reader does). */
function scan(pieces: Uint8Array[]): string[] {
  const s = new SSEScanner();
  const out: string[] = [];
  const onData = (t: string, a: number, b: number) => void out.push(t.slice(a, b));
  for (const p of pieces) {
    s.push(p);
    while (s.next(onData));
  }
  s.end();
  while (s.next(onData));
  return out;
}
/** The same, but taking at most `take` events after each piece (bytes arrive before the last were scanned). */
function scanLazily(pieces: Uint8Array[], take: number): string[] {
  const s = new SSEScanner();
  const out: string[] = [];
  const onData = (t: string, a: number, b: number) => void out.push(t.slice(a, b));
  for (const p of pieces) {
    s.push(p);
    for (let i = 0; i < take && s.next(onData); i++);
  }
  s.end();
  while (s.next(onData));
  return out;
}
function reference(pieces: Uint8Array[]): string[] {
  const d = new SSEDecoder();
  return [...pieces.flatMap((p) => d.push(p)), ...d.end()].map((m) => m.data);
}
const split = (bytes: Uint8Array, at: number[]) => [0, ...at, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1]!, end));

describe("SSEScanner = SSEDecoder", () => {
  for (const ending of ["\n", "\r\n", "\r"] as const) {
    test.each(fixtures)(`%s (${JSON.stringify(ending)}): whole, split at every byte offset, and 1-byte pieces`, async (f) => {
      const text = await Bun.file(new URL(f, STREAMS)).text();
      const bytes = enc.encode(ending === "\n" ? text : text.replaceAll("\n", ending));
      const expected = reference([bytes]);
      expect(expected.length).toBeGreaterThan(3);
      expect(scan([bytes])).toEqual(expected);
      for (let i = 1; i < bytes.length; i++) expect(scan(split(bytes, [i]))).toEqual(expected);
      expect(scan([...bytes].map((b) => Uint8Array.of(b)))).toEqual(expected);
    });
  }

  const cases: Array<[string, string]> = [
    ["comments, event/id fields, multi-line data, one optional space removed", ": keep-alive\n\nevent: a\nid: 7\ndata:  two spaces\ndata:x\ndata\n\n"],
    ["fields without data, event and id between events", "event: lonely\n\ndata: 1\n\nid: 2\ndata: 3\n\ndata: 4\n\n"],
    ["empty data lines, retry and unknown fields", "data:\n\nretry: 10\nfoo: bar\ndata: x\n\n"],
    ["padding kept", 'data: {"type":"ping"}      \n\n'],
    ["a last event without a blank line", "data: a\n\ndata: b"],
    ["a last event ending in one LF", "data: c\n"],
    ["blank lines before and between events", "\n\n\ndata: a\n\n\n\n\nevent: x\ndata: b\n\n"],
    ["an event line after the data line", "data: a\nevent: x\n\n"],
    ["an event line alone at the end", "data: a\n\nevent: x"],
    ["data without a space, then with", "data:a\n\ndata: b\n\n"],
    ["a comment between event and data", "event: x\n: note\ndata: a\n\n"],
    ["unicode", "data: 🎉 日本 ç\n\n"],
    ["CR LF mixed", "data: a\r\n\r\ndata: b\r\rdata: c\n\r\n"],
    ["BOM", "\ufeffdata: x\n\n"],
  ];
  test.each(cases)("%s: every split", (_name, text) => {
    const bytes = enc.encode(text);
    const expected = reference([bytes]);
    for (let i = 1; i < bytes.length; i++) expect(scan(split(bytes, [i]))).toEqual(expected);
    for (let i = 1; i < bytes.length; i++) for (let j = i + 1; j < bytes.length; j++) expect(scan(split(bytes, [i, j]))).toEqual(expected);
  });

  test("random streams in random pieces (seeded)", () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const lines = ["data: x", "data:", "data: {\"a\": 1}  ", "event: e", ": c", "id: 1", "retry: 5", "data", "foo", "", "", "data: é🎉"];
    const ends = ["\n", "\r\n", "\r"];
    for (let k = 0; k < 400; k++) {
      let text = "";
      for (let n = rnd(12); n > 0; n--) text += lines[rnd(lines.length)]! + ends[rnd(3)]!;
      const bytes = enc.encode(text);
      const cuts = [...new Set(Array.from({ length: rnd(4) }, () => 1 + rnd(Math.max(1, bytes.length - 1))))].sort((a, b) => a - b).filter((c) => c < bytes.length);
      const expected = reference([bytes]);
      expect({ text, got: scan(split(bytes, cuts)) }).toEqual({ text, got: expected });
      expect({ text, got: scanLazily(split(bytes, cuts), rnd(3)) }).toEqual({ text, got: expected });
    }
  });

  test("an event carried over into a large chunk: only the piece that completes it is joined", () => {
    const s = new SSEScanner();
    const events = Array.from({ length: 50 }, (_, i) => `event: content_block_delta\ndata: {"i":${i}}\n\n`).join("");
    const head = "event: message_start\ndata: {\"type\":";
    const tail = `"message_start"}\n\n${events}`;
    s.push(enc.encode(head));
    expect(s.next(() => undefined)).toBe(false);
    s.push(enc.encode(tail));
    const seen: Array<[string, number]> = [];
    while (s.next((t, a, b) => void seen.push([t.slice(a, b), t.length])));
    expect(seen.map(([d]) => d)).toEqual(['{"type":"message_start"}', ...Array.from({ length: 50 }, (_, i) => `{"i":${i}}`)]);
    expect(seen[0]![1]).toBeLessThan(100); // the carried event: its own short string
    expect(seen[1]![1]).toBe(tail.length); // the rest: the chunk's own text, not a copy joined to the carry
  });

  test("next() hands the usual event out as a range of the buffer, not a copy", () => {
    const s = new SSEScanner();
    s.push(enc.encode('event: content_block_delta\ndata: {"x":1}\n\ndata: 2\n\n'));
    const seen: Array<[number, number, number]> = [];
    while (s.next((t, a, b) => void seen.push([t.length, a, b])));
    expect(seen[0]![0]).toBeGreaterThan(seen[0]![2]); // the whole buffer, payload in [a, b)
    expect(seen.length).toBe(2);
  });
});
