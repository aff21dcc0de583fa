import { describe, expect, test } from "bun:test";
import { SSEDecoder } from "../../../../src/net/sse-decode.ts";
import { createCoalescer } from "../../../../src/translate/to-openai/coalesce.ts";
import { createStreamTranslator } from "../../../../src/translate/to-openai/stream.ts";
import type { StreamEvent } from "../../../../src/wire/anthropic.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../../../src/wire/openai.ts";
import { accumulateChunks } from "../../../helpers/accumulate.ts";
import { SCHEMAS, schemaErrors } from "../../../helpers/openapi.ts";

const chunk = (delta: ChunkDelta, finish: "stop" | null = null): ChatCompletionChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: null,
});
const text = (t: string) => chunk({ content: t });
const contents = (cs: ChatCompletionChunk[]) => cs.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.delta.reasoning_content ?? c.choices[0]?.finish_reason ?? "?");

describe("coalescer", () => {
  test("merges small text deltas until the byte threshold", () => {
    const c = createCoalescer({ bufferSize: 10 });
    expect(c.push(text("abc"))).toEqual([]);
    expect(c.pending).toBe(true);
    expect(c.push(text("def"))).toEqual([]);
    const out = c.push(text("ghij"));
    expect(out).toEqual([text("abcdefghij")]);
    expect(c.pending).toBe(false);
    expect(c.flush()).toEqual([]);
  });

  test("counts UTF-8 bytes, not UTF-16 units", () => {
    const c = createCoalescer({ bufferSize: 8 });
    expect(c.push(text("日本"))).toEqual([]); // 6 bytes
    expect(contents(c.push(text("語")))).toEqual(["日本語"]); // 9 bytes
    expect(c.push(text("🎉"))).toEqual([]); // 4 bytes
    expect(contents(c.push(text("🎉")))).toEqual(["🎉🎉"]);
  });

  test.each([["Hello world."], ["Really?"], ["Wow!"], ['He said "hi."'], ["(see above.) "], ["line\n"], ["终于。"], ["Done…"]])(
    "emits at a sentence or line boundary: %p",
    (piece) => {
      const c = createCoalescer({ bufferSize: 1000 });
      expect(c.push(text("Start: "))).toEqual([]);
      expect(contents(c.push(text(piece)))).toEqual([`Start: ${piece}`]);
    },
  );

  test("no boundary inside words or numbers like 3.14", () => {
    const c = createCoalescer({ bufferSize: 1000 });
    expect(c.push(text("pi is 3"))).toEqual([]);
    expect(c.push(text(".14 and"))).toEqual([]);
    expect(c.push(text(" e.g"))).toEqual([]);
    expect(contents(c.flush())).toEqual(["pi is 3.14 and e.g"]);
  });

  test("tool calls, finish and usage chunks flush pending text first and pass through in order", () => {
    const c = createCoalescer({ bufferSize: 1000 });
    const role = chunk({ role: "assistant", content: "" });
    const tool = chunk({ tool_calls: [{ index: 0, id: "t", type: "function", function: { name: "f", arguments: "" } }] });
    const args = chunk({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] });
    const finish = chunk({}, "stop");
    const usage: ChatCompletionChunk = { ...chunk({}), choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
    const out = [role, text("a"), text("b"), tool, args, text("c"), finish, usage].flatMap((x) => c.push(x));
    expect(out).toEqual([role, text("ab"), tool, args, text("c"), finish, usage]);
    expect(c.pending).toBe(false);
  });

  test("content and reasoning_content runs are never mixed", () => {
    const c = createCoalescer({ bufferSize: 1000 });
    const out = [chunk({ reasoning_content: "think " }), chunk({ reasoning_content: "more" }), text("answer")].flatMap((x) => c.push(x));
    expect(out).toEqual([chunk({ reasoning_content: "think more" })]);
    expect(c.flush()).toEqual([text("answer")]);
  });

  test("bufferSize 0 passes text straight through", () => {
    const c = createCoalescer({ bufferSize: 0 });
    expect(c.push(text("a"))).toEqual([text("a")]);
    expect(c.pending).toBe(false);
  });

  test("a fixture stream coalesced still accumulates to the same completion and validates", async () => {
    const bytes = new Uint8Array(await Bun.file(new URL("../../../fixtures/streams/redacted-thinking.sse", import.meta.url)).arrayBuffer());
    const d = new SSEDecoder();
    const events = [...d.push(bytes), ...d.end()].map((m) => JSON.parse(m.data) as StreamEvent);
    const t = createStreamTranslator({ model: "m", created: 1, includeUsage: true });
    const plain = [...events.flatMap((e) => t.push(e)), ...t.finish()];
    for (const size of [1, 8, 64, 65536]) {
      const c = createCoalescer({ bufferSize: size });
      const merged = [...plain.flatMap((x) => c.push(x)), ...c.flush()];
      expect(merged.length).toBeLessThanOrEqual(plain.length);
      expect(accumulateChunks(merged)).toEqual(accumulateChunks(plain));
      for (const m of merged) expect(await schemaErrors(SCHEMAS.chunk, m)).toBe("");
    }
  });
});
