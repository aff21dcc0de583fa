import { describe, expect, test } from "bun:test";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { HttpError, type OpenAIErrorBody } from "../../../../src/errors.ts";
import { SSEDecoder } from "../../../../src/net/sse-decode.ts";
import { toChatCompletion } from "../../../../src/translate/to-openai/response.ts";
import { createStreamTranslator, type StreamContext } from "../../../../src/translate/to-openai/stream.ts";
import type { StreamEvent } from "../../../../src/wire/anthropic.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../../../../src/wire/openai.ts";
import { accumulateChunks, accumulateMessage } from "../../../helpers/accumulate.ts";
import { SCHEMAS, schemaErrors } from "../../../helpers/openapi.ts";

const DIR = new URL("../../../fixtures/streams/", import.meta.url);
const BASE = { model: "claude-sonnet-4-5", created: 1755000000 };
const cases = [...new Bun.Glob("*.sse").scanSync(DIR.pathname)].map((f) => f.replace(".sse", "")).sort();

interface Expected {
  context: Omit<StreamContext, "model" | "created">;
  chunks: ChatCompletionChunk[];
  error: { status: number; body: OpenAIErrorBody } | null;
}

async function events(name: string): Promise<StreamEvent[]> {
  const d = new SSEDecoder();
  const bytes = new Uint8Array(await Bun.file(new URL(`${name}.sse`, DIR)).arrayBuffer());
  return [...d.push(bytes), ...d.end()].map((m) => JSON.parse(m.data) as StreamEvent);
}

/** Runs a whole stream; an HttpError (from push or finish) ends it, as in the server. */
function run(evs: StreamEvent[], ctx: StreamContext): { chunks: ChatCompletionChunk[]; error: HttpError | null } {
  const t = createStreamTranslator(ctx);
  const chunks: ChatCompletionChunk[] = [];
  try {
    for (const ev of evs) chunks.push(...t.push(ev));
    chunks.push(...t.finish());
    return { chunks, error: null };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { chunks, error: e };
  }
}

async function load(name: string) {
  const expected = (await Bun.file(new URL(`${name}.chunks.json`, DIR)).json()) as Expected;
  const ctx: StreamContext = { ...BASE, ...expected.context };
  return { evs: await events(name), ctx, expected };
}

/** What a stream and a non-stream response can legitimately differ in, made equal. */
function normalize(c: ChatCompletion, jsonContent: boolean): ChatCompletion {
  const copy = structuredClone(c);
  for (const choice of copy.choices) {
    const m = choice.message;
    // The role chunk carries content "" (as OpenAI's own streams do); the SDK then accumulates "" where the
    // non-streaming response says null.
    if (m.content === "") m.content = null;
    // Streamed arguments are the upstream's own JSON text; the non-streaming ones are re-serialised compactly.
    for (const t of m.tool_calls ?? []) t.function.arguments = JSON.stringify(JSON.parse(t.function.arguments));
    if (jsonContent && m.content) m.content = JSON.stringify(JSON.parse(m.content));
  }
  return copy;
}

describe("stream fixtures", () => {
  test("the acceptance cases are all there", () => {
    for (const c of ["text", "parallel-tools", "thinking-tool", "redacted-thinking", "max-tokens-mid-tool", "refusal", "cache-usage", "utf8", "error-mid-stream", "json-tool"]) {
      expect(cases).toContain(c);
    }
  });

  test.each(cases)("%s gives the expected chunks", async (name) => {
    const { evs, ctx, expected } = await load(name);
    const { chunks, error } = run(evs, ctx);
    expect(chunks).toEqual(expected.chunks);
    expect(error ? { status: error.status, body: error.toJSON() } : null).toEqual(expected.error);
  });

  test.each(cases)("%s: every chunk (and the error body) validates against the OpenAI spec", async (name) => {
    const { evs, ctx } = await load(name);
    const { chunks, error } = run(evs, ctx);
    for (const c of chunks) expect(await schemaErrors(SCHEMAS.chunk, c)).toBe("");
    if (error) expect(await schemaErrors(SCHEMAS.error, error.toJSON())).toBe("");
  });

  test.each(cases)("%s keeps the stream invariants", async (name) => {
    const { evs, ctx } = await load(name);
    const { chunks, error } = run(evs, ctx);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
    expect(chunks[0]?.id).toStartWith("chatcmpl-msg_");
    const finishes = chunks.filter((c) => c.choices.some((ch) => ch.finish_reason !== null));
    const usageChunks = chunks.filter((c) => c.usage !== null);
    if (error) {
      expect(finishes).toHaveLength(0);
      expect(usageChunks).toHaveLength(0);
      return;
    }
    expect(finishes).toHaveLength(1);
    const finishAt = chunks.indexOf(finishes[0]!);
    if (ctx.includeUsage) {
      expect(usageChunks).toHaveLength(1);
      expect(chunks.at(-1)).toBe(usageChunks[0]!);
      expect(usageChunks[0]?.choices).toEqual([]);
      expect(finishAt).toBe(chunks.length - 2);
    } else {
      expect(usageChunks).toHaveLength(0);
      expect(finishAt).toBe(chunks.length - 1);
    }
    // Tool calls: indexes 0..n-1 in order; first delta complete, later deltas only index + arguments.
    const seen = new Set<number>();
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        if (!seen.has(t.index)) {
          expect(t.index).toBe(seen.size);
          expect(t).toEqual({ index: t.index, id: expect.any(String), type: "function", function: { name: expect.any(String), arguments: "" } });
          seen.add(t.index);
        } else {
          expect(Object.keys(t).sort()).toEqual(["function", "index"]);
          expect(Object.keys(t.function ?? {})).toEqual(["arguments"]);
          expect(t.function?.arguments).not.toBe("");
        }
      }
    }
  });

  test.each(cases.filter((c) => !["error-mid-stream", "truncated", "max-tokens-mid-tool"].includes(c)))(
    "%s: accumulating the chunks like the openai SDK equals the non-streaming translation",
    async (name) => {
      const { evs, ctx } = await load(name);
      const { chunks } = run(evs, ctx);
      const streamed = accumulateChunks(chunks);
      const nonStreamed = toChatCompletion(accumulateMessage(evs), ctx);
      if (!ctx.includeUsage) {
        expect(streamed.usage).toBeUndefined();
        streamed.usage = nonStreamed.usage;
      }
      const json = ctx.jsonTool !== undefined;
      expect(normalize(streamed, json)).toEqual(normalize(nonStreamed, json));
    },
  );

  test("max_tokens mid-tool-JSON: finish_reason length, the partial arguments kept, still a valid stream", async () => {
    const { evs, ctx } = await load("max-tokens-mid-tool");
    const done = accumulateChunks(run(evs, ctx).chunks);
    expect(done.choices[0]?.finish_reason).toBe("length");
    const args = done.choices[0]?.message.tool_calls?.[0]?.function.arguments ?? "";
    expect(args).toBe('{"path": "notes.md", "content": "# Notes\\n\\nThe first point is that');
    expect(() => JSON.parse(args)).toThrow();
  });

  test.each(cases.filter((c) => !["error-mid-stream", "truncated"].includes(c)))(
    "%s is accepted by the real openai SDK's ChatCompletionStream",
    async (name) => {
      const { evs, ctx } = await load(name);
      const { chunks } = run(evs, ctx);
      // fromReadableStream reads newline-delimited JSON chunks (what Stream.toReadableStream produces).
      const body = new Response(chunks.map((c) => JSON.stringify(c) + "\n").join("")).body!;
      const final = await ChatCompletionStream.fromReadableStream(body).finalChatCompletion();
      const ours = accumulateChunks(chunks);
      expect(final.choices[0]?.finish_reason).toBe(ours.choices[0]!.finish_reason);
      expect(final.choices[0]?.message.content ?? null).toBe(ours.choices[0]!.message.content);
      expect(final.choices[0]?.message.tool_calls ?? []).toEqual(ours.choices[0]!.message.tool_calls ?? []);
      expect(final.usage ?? undefined).toEqual(ours.usage);
    },
  );
});
