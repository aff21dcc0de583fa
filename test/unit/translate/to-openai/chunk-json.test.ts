import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../../src/errors.ts";
import { SSEDecoder } from "../../../../src/net/sse-decode.ts";
import { createChunkSerializer } from "../../../../src/translate/to-openai/chunk-json.ts";
import { createCoalescer } from "../../../../src/translate/to-openai/coalesce.ts";
import { createStreamTranslator } from "../../../../src/translate/to-openai/stream.ts";
import type { StreamEvent } from "../../../../src/wire/anthropic.ts";
import type { ChatCompletionChunk } from "../../../../src/wire/openai.ts";

const DIR = new URL("../../../fixtures/streams/", import.meta.url);
const cases = [...new Bun.Glob("*.sse").scanSync(DIR.pathname)].map((f) => f.replace(".sse", "")).sort();

async function chunksOf(name: string, includeUsage: boolean, jsonTool?: string): Promise<ChatCompletionChunk[]> {
  const d = new SSEDecoder();
  const bytes = new Uint8Array(await Bun.file(new URL(`${name}.sse`, DIR)).arrayBuffer());
  const evs = [...d.push(bytes), ...d.end()].map((m) => JSON.parse(m.data) as StreamEvent);
  const t = createStreamTranslator({ model: "claude-\"quoted\"-4-5", created: 1755000000, includeUsage, jsonTool });
  const out: ChatCompletionChunk[] = [];
  try {
    for (const ev of evs) out.push(...t.push(ev));
    out.push(...t.finish());
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
  }
  return out;
}

describe("createChunkSerializer", () => {
  for (const name of cases) {
    test(`${name}: the same text as JSON.stringify for every chunk (plain and coalesced)`, async () => {
      for (const includeUsage of [false, true]) {
        const chunks = await chunksOf(name, includeUsage, name === "json-tool" ? "json_answer" : undefined);
        expect(chunks.length).toBeGreaterThan(0);
        const ser = createChunkSerializer();
        for (const c of chunks) expect(ser.chunk(c)).toBe(JSON.stringify(c));
        const coalescer = createCoalescer({ bufferSize: 16 });
        const merged = [...chunks.flatMap((c) => coalescer.push(c)), ...coalescer.flush()];
        for (const c of merged) expect(ser.chunk(c)).toBe(JSON.stringify(c));
      }
    });
  }

  test("falls back to JSON.stringify for anything but the translator's shape", () => {
    const ser = createChunkSerializer();
    const base = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "x" }, logprobs: null, finish_reason: null }], usage: null } as ChatCompletionChunk;
    const { usage: _u, ...withoutUsage } = base;
    const { model: _m, ...withoutModel } = base;
    const odd = [
      { ...base, system_fingerprint: "fp" },
      { ...base, choices: [] },
      { ...base, choices: [base.choices[0]!, { ...base.choices[0]!, index: 1 }] },
      { ...base, usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
      { ...base, id: "c2\u2028\"" },
      { ...base, created: 2 },
      { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
      // The same keys in another order (the serializer's template would reorder them).
      { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, ...withoutUsage, choices: [] },
      { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, extra: 1 },
      { model: "m", ...withoutModel },
      { ...base, choices: [{ delta: { content: "x" }, index: 0, logprobs: null, finish_reason: null }] },
      base,
    ] as ChatCompletionChunk[];
    for (const c of odd) expect(ser.chunk(c)).toBe(JSON.stringify(c));
  });
});
