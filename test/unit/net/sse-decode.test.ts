import { describe, expect, test } from "bun:test";
import { readSSE, SSEDecoder, type SSEMessage } from "../../../src/net/sse-decode.ts";

const STREAMS = new URL("../../fixtures/streams/", import.meta.url);
const fixtures = [...new Bun.Glob("*.sse").scanSync(STREAMS.pathname)].sort();
const enc = new TextEncoder();

function decode(pieces: Uint8Array[]): SSEMessage[] {
  const d = new SSEDecoder();
  return [...pieces.flatMap((p) => d.push(p)), ...d.end()];
}
const whole = (bytes: Uint8Array) => decode([bytes]);
const str = (s: string) => decode([enc.encode(s)]);

/** The same fixture with every LF turned into another line ending. */
function withEndings(bytes: Uint8Array, ending: "\r\n" | "\r"): Uint8Array {
  return enc.encode(new TextDecoder().decode(bytes).replaceAll("\n", ending));
}

describe("SSEDecoder on the Vertex fixtures", () => {
  test.each(fixtures)("%s: every event's data is JSON whose type matches the event name", async (f) => {
    const msgs = whole(new Uint8Array(await Bun.file(new URL(f, STREAMS)).arrayBuffer()));
    expect(msgs.length).toBeGreaterThan(3);
    for (const m of msgs) expect((JSON.parse(m.data) as { type: string }).type).toBe(m.event!);
    // Vertex pads with spaces after the JSON or before its last brace: kept, not trimmed.
    expect(msgs.some((m) => / $| \}$/.test(m.data))).toBe(true);
  });

  for (const ending of ["\n", "\r\n", "\r"] as const) {
    test.each(fixtures)(`%s (${JSON.stringify(ending)}): re-split at every byte offset, and into 1-byte pieces, gives the same events`, async (f) => {
      const raw = new Uint8Array(await Bun.file(new URL(f, STREAMS)).arrayBuffer());
      const bytes = ending === "\n" ? raw : withEndings(raw, ending);
      const expected = whole(bytes);
      expect(expected).toEqual(whole(raw));
      for (let i = 1; i < bytes.length; i++) {
        expect(decode([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(expected);
      }
      expect(decode([...bytes].map((b) => Uint8Array.of(b)))).toEqual(expected);
    });
  }
});

describe("SSEDecoder framing", () => {
  test("comments, event/id fields, multi-line data, one optional space removed", () => {
    expect(str(": keep-alive\n\nevent: a\nid: 7\ndata:  two spaces\ndata:x\ndata\n\n")).toEqual([{ event: "a", id: "7", data: " two spaces\nx\n" }]);
  });

  test("a field without data is not an event; event and id reset between events", () => {
    expect(str("event: lonely\n\ndata: 1\n\nid: 2\ndata: 3\n\ndata: 4\n\n")).toEqual([{ data: "1" }, { id: "2", data: "3" }, { data: "4" }]);
  });

  test("empty data lines are events; unknown fields and retry are ignored", () => {
    expect(str("data:\n\nretry: 10\nfoo: bar\ndata: x\n\n")).toEqual([{ data: "" }, { data: "x" }]);
  });

  test("trailing spaces in data are kept (JSON.parse copes)", () => {
    const [m] = str('data: {"type":"ping"}      \n\n');
    expect(m?.data).toBe('{"type":"ping"}      ');
    expect(JSON.parse(m!.data)).toEqual({ type: "ping" });
  });

  test("a final event without a blank line is flushed by end(), not before", () => {
    const d = new SSEDecoder();
    expect(d.push(enc.encode("data: a\n\ndata: b"))).toEqual([{ data: "a" }]);
    expect(d.end()).toEqual([{ data: "b" }]);
    const d2 = new SSEDecoder();
    expect(d2.push(enc.encode("data: c\n"))).toEqual([]);
    expect(d2.end()).toEqual([{ data: "c" }]);
  });

  test("CR then LF in the next chunk is one line end, not two", () => {
    expect(decode([enc.encode("data: a\r"), enc.encode("\ndata: b\r\n\r\n")])).toEqual([{ data: "a\nb" }]);
    expect(decode([enc.encode("data: a\r"), enc.encode("\r"), enc.encode("\n")])).toEqual([{ data: "a" }]);
  });

  test("multi-byte UTF-8 split across chunks is decoded intact", () => {
    const bytes = enc.encode("data: 🎉 日本 ç\n\n");
    for (let i = 1; i < bytes.length; i++) expect(decode([bytes.subarray(0, i), bytes.subarray(i)])).toEqual([{ data: "🎉 日本 ç" }]);
  });

  test("a UTF-8 BOM at the start is dropped", () => {
    expect(decode([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), enc.encode("data: x\n\n")])).toEqual([{ data: "x" }]);
  });

  test("ids with NUL are ignored", () => {
    expect(str("id: a\0b\ndata: x\n\n")).toEqual([{ data: "x" }]);
  });
});

describe("readSSE", () => {
  function body(parts: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
    let cancelled = false;
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < parts.length) c.enqueue(enc.encode(parts[i++]!));
        else c.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    return { stream, cancelled: () => cancelled };
  }

  test("yields every event, including an unterminated last one", async () => {
    const out: SSEMessage[] = [];
    for await (const m of readSSE(body(["event: x\nda", "ta: 1\n\n", "data: 2"]).stream)) out.push(m);
    expect(out).toEqual([{ event: "x", data: "1" }, { data: "2" }]);
  });

  test("stopping early cancels the body and releases the lock", async () => {
    const b = body(["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"]);
    for await (const m of readSSE(b.stream)) {
      expect(m.data).toBe("1");
      break;
    }
    expect(b.cancelled()).toBe(true);
    expect(b.stream.locked).toBe(false);
  });

  test("a body that errors rejects the iteration", async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulls++ === 0) c.enqueue(enc.encode("data: 1\n\n"));
        else c.error(new Error("connection reset"));
      },
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const m of readSSE(stream)) seen.push(m.data);
      })(),
    ).rejects.toThrow("connection reset");
    expect(seen).toEqual(["1"]);
  });
});
