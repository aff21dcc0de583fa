import { describe, expect, test } from "bun:test";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { HttpError } from "../../../../src/errors.ts";
import { createStreamTranslator, type StreamContext } from "../../../../src/translate/to-openai/stream.ts";
import type { Message, StreamEvent } from "../../../../src/wire/anthropic.ts";
import type { ChatCompletionChunk } from "../../../../src/wire/openai.ts";
import { accumulateChunks } from "../../../helpers/accumulate.ts";

const CTX: StreamContext = { model: "m", created: 1, includeUsage: true };

const message = (usage: Message["usage"] = { input_tokens: 10, output_tokens: 1 }): StreamEvent => ({
  type: "message_start",
  message: { id: "msg_1", type: "message", role: "assistant", model: "claude", content: [], stop_reason: null, stop_sequence: null, usage },
});
const textStart = (index: number): StreamEvent => ({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
const text = (index: number, t: string): StreamEvent => ({ type: "content_block_delta", index, delta: { type: "text_delta", text: t } });
const toolStart = (index: number, name: string, input: unknown = {}): StreamEvent => ({
  type: "content_block_start",
  index,
  content_block: { type: "tool_use", id: `toolu_${index}`, name, input },
});
const json = (index: number, partial_json: string): StreamEvent => ({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
const stop = (index: number): StreamEvent => ({ type: "content_block_stop", index });
const delta = (stop_reason: string | null, usage: Record<string, unknown> = { output_tokens: 5 }): StreamEvent =>
  ({ type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage }) as StreamEvent;
const end: StreamEvent = { type: "message_stop" };

function all(evs: StreamEvent[], ctx: StreamContext = CTX): ChatCompletionChunk[] {
  const t = createStreamTranslator(ctx);
  return [...evs.flatMap((e) => t.push(e)), ...t.finish()];
}
const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta ?? null);

describe("stream translator", () => {
  test("ping, vertex_event and unknown events produce nothing", () => {
    const t = createStreamTranslator(CTX);
    t.push(message());
    expect(t.push({ type: "ping" })).toEqual([]);
    expect(t.push({ type: "vertex_event", usage: { input_tokens: 9 } } as unknown as StreamEvent)).toEqual([]);
    expect(t.push({ type: "something_new" } as unknown as StreamEvent)).toEqual([]);
    expect(t.push(null as unknown as StreamEvent)).toEqual([]);
    expect(t.push({ type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation: {} } })).toEqual([]);
  });

  test("message_start gives the role chunk; content before a message_start still gets one first", () => {
    expect(deltas(createStreamTranslator(CTX).push(message()))).toEqual([{ role: "assistant", content: "" }]);
    const t = createStreamTranslator(CTX);
    expect(deltas(t.push(text(0, "hi")))).toEqual([{ role: "assistant", content: "" }, { content: "hi" }]);
    expect(t.push(message())).toEqual([]);
  });

  test("empty text and empty partial_json deltas are skipped", () => {
    const chunks = all([message(), textStart(0), text(0, ""), text(0, "a"), stop(0), toolStart(1, "f"), json(1, ""), json(1, '{"x":1}'), stop(1), delta("tool_use"), end]);
    expect(deltas(chunks).slice(1, -2)).toEqual([
      { content: "a" },
      { tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "f", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] },
    ]);
  });

  test("a tool call without argument text gets {} (or its start input) so arguments always parse", () => {
    const chunks = all([message(), toolStart(0, "a"), json(0, ""), stop(0), toolStart(1, "b", { q: 1 }), stop(1), delta("tool_use"), end]);
    const calls = accumulateChunks(chunks).choices[0]?.message.tool_calls;
    expect(calls?.map((c) => c.function.arguments)).toEqual(["{}", '{"q":1}']);
  });

  test("usage combines message_start with the cumulative message_delta usage", () => {
    const t = createStreamTranslator(CTX);
    t.push(message({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 100, cache_creation_input_tokens: null }));
    t.push(delta("end_turn", { output_tokens: 7, cache_creation_input_tokens: 20, cache_read_input_tokens: null }));
    t.push(end);
    expect(t.usage()).toEqual({ prompt_tokens: 130, completion_tokens: 7, cached_tokens: 100 });
    expect(t.finish().at(-1)?.usage).toEqual({
      prompt_tokens: 130,
      completion_tokens: 7,
      total_tokens: 137,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
    });
  });

  test("without includeUsage there is no usage chunk and every chunk has usage null", () => {
    const chunks = all([message(), textStart(0), text(0, "x"), stop(0), delta("end_turn"), end], { ...CTX, includeUsage: false });
    expect(chunks.every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
  });

  test("done flips with the finish chunk; finish() is idempotent; events after the end are ignored", () => {
    const t = createStreamTranslator(CTX);
    t.push(message());
    t.push(delta("end_turn"));
    expect(t.done).toBe(false);
    expect(t.push(end).at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(t.done).toBe(true);
    expect(t.push(text(0, "late"))).toEqual([]);
    expect(t.push({ type: "error", error: { type: "overloaded_error", message: "x" } })).toEqual([]);
    expect(t.finish()).toHaveLength(1);
    expect(t.finish()).toEqual([]);
  });

  test("the stream ended after message_delta without message_stop: finish() completes it", () => {
    const t = createStreamTranslator({ ...CTX, includeUsage: false });
    t.push(message());
    t.push(delta("max_tokens"));
    expect(deltas(t.finish())).toEqual([{}]);
    expect(t.done).toBe(true);
  });

  test("a truncated stream (no message_delta) makes finish() throw a 502", () => {
    const t = createStreamTranslator(CTX);
    t.push(message());
    t.push(text(0, "cut"));
    expect(() => t.finish()).toThrow(HttpError);
    try {
      createStreamTranslator(CTX).finish();
    } catch (e) {
      expect((e as HttpError).status).toBe(502);
      expect((e as HttpError).toJSON().error.code).toBe("upstream_stream_truncated");
    }
  });

  test("an upstream error event throws the mapped HttpError", () => {
    const t = createStreamTranslator(CTX);
    t.push(message());
    let err: unknown;
    try {
      t.push({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(503);
    expect((err as HttpError).toJSON().error.message).toContain("Overloaded");
  });

  test("stop_reason maps like the non-streaming path (refusal → content_filter, unknown → stop)", () => {
    for (const [reason, expected] of [["refusal", "content_filter"], ["pause_turn", "stop"], ["model_context_window_exceeded", "length"], ["weird", "stop"], [null, "stop"]] as const) {
      const chunks = all([message(), delta(reason), end], { ...CTX, includeUsage: false });
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe(expected);
    }
  });
});

describe("stream translator with a jsonTool", () => {
  const ctx = { ...CTX, jsonTool: "json_response" };

  test("text before the JSON tool is dropped; the JSON streams as content; finish is stop", () => {
    const chunks = all([message(), textStart(0), text(0, "Here:"), stop(0), toolStart(1, "json_response"), json(1, '{"a"'), json(1, ":1}"), stop(1), delta("tool_use"), end], ctx);
    expect(deltas(chunks).slice(0, -1)).toEqual([{ role: "assistant", content: "" }, { content: '{"a"' }, { content: ":1}" }, {}]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  test("text is sent before the finish chunk when the JSON tool never comes (a refusal)", () => {
    const chunks = all([message(), textStart(0), text(0, "I can't"), text(0, " do that."), stop(0), delta("refusal"), end], ctx);
    expect(deltas(chunks).slice(1, -1)).toEqual([{ content: "I can't do that." }, {}]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("content_filter");
  });

  test("a JSON tool with no argument text yields content {}", () => {
    const chunks = all([message(), toolStart(0, "json_response"), stop(0), delta("tool_use"), end], ctx);
    expect(accumulateChunks(chunks).choices[0]?.message.content).toBe("{}");
  });

  test("other tools keep streaming as tool calls and make the finish reason tool_calls", () => {
    const chunks = all([message(), toolStart(0, "json_response"), json(0, "{}"), stop(0), toolStart(1, "search"), json(1, '{"q":"x"}'), stop(1), delta("tool_use"), end], ctx);
    const done = accumulateChunks(chunks);
    expect(done.choices[0]?.finish_reason).toBe("tool_calls");
    expect(done.choices[0]?.message.tool_calls?.map((c) => c.function.name)).toEqual(["search"]);
    expect(done.choices[0]?.message.tool_calls?.[0]?.id).toBe("toolu_1");
  });
});

describe("the openai SDK harness itself", () => {
  test("the real SDK rejects a stream without a finish_reason (so the acceptance test can fail)", async () => {
    const t = createStreamTranslator({ ...CTX, includeUsage: false });
    const chunks = [...t.push(message()), ...t.push(text(0, "x"))];
    const body = new Response(chunks.map((c) => JSON.stringify(c) + "\n").join("")).body!;
    await expect(ChatCompletionStream.fromReadableStream(body).finalChatCompletion()).rejects.toThrow(/finish_reason/);
    expect(() => accumulateChunks(chunks)).toThrow("missing finish_reason for choice 0");
  });

  test("accumulateChunks mirrors the SDK's checks", () => {
    const base = { id: "c", object: "chat.completion.chunk" as const, created: 1, model: "m", usage: null };
    const ch = (delta: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }) as ChatCompletionChunk;
    expect(() => accumulateChunks([])).toThrow("request ended without sending any chunks");
    expect(() => accumulateChunks([ch({ content: "x" }, "stop")])).toThrow("missing role for choice 0");
    expect(() => accumulateChunks([ch({ role: "assistant", tool_calls: [{ index: 0, function: { name: "f", arguments: "" } }] }, "stop")])).toThrow("tool_calls[0].id");
    expect(() => accumulateChunks([ch({ role: "assistant", tool_calls: [{ index: -1 }] })])).toThrow("invalid tool call index");
    expect(() =>
      accumulateChunks([
        ch({ role: "assistant", tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "f", arguments: "" } }] }),
        ch({ tool_calls: [{ index: 0, function: { name: "g" } }] }, "stop"),
      ]),
    ).toThrow("changed tool call identity");
  });
});
