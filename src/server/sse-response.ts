/**
 * Streams translated chunks to the client as SSE with a pull-based ReadableStream, nothing buffered
 * beyond the optional "buffered" coalescer and the events already received:
 * - keep-alive comments during upstream silence (thinking) so proxies do not cut the connection;
 * - buffered mode flushes pending text after `chunk_timeout_ms` without a flush;
 * - an upstream error after the first byte becomes one `data: {"error":…}` frame and the stream ends
 *   (the OpenAI SDKs raise it), never a silent truncated success;
 * - the client going away (cancel) closes the upstream iterator, which aborts the upstream fetch;
 * - backpressure: a client that reads slowly holds the upstream back (see drained()).
 *
 * Hot path (performance): one network read from the upstream usually carries many events. The pull takes
 * every event already received in one synchronous batch (the provider's `drainReady`; text, tool-argument
 * and thinking deltas arrive as raw JSON literals and become frames without any object), writes the frames
 * into Bun's buffer as it makes them and flushes once; only then does it wait for the upstream. So a burst
 * costs one socket write, and a slow model still gets every event out at once. The keep-alive / flush timer is one per stream,
 * re-armed lazily, not one per event.
 */
import { HttpError, UpstreamError } from "../errors.ts";
import { DONE_TEXT, dataFrame } from "../net/sse-encode.ts";
import { toHttpError } from "../translate/errors.ts";
import { CONTENT_CHUNK_TAIL, createChunkSerializer, TOOL_ARGS_MID, TOOL_ARGS_TAIL } from "../translate/to-openai/chunk-json.ts";
import { createCoalescer } from "../translate/to-openai/coalesce.ts";
import { createStreamTranslator, type StreamContext } from "../translate/to-openai/stream.ts";
import type { EventStream, ReadySink } from "../providers/types.ts";
import type { ChatCompletionChunk } from "../wire/openai.ts";
import type { StreamEvent } from "../wire/anthropic.ts";
import { literalDeltaEvent } from "../wire/json-literal.ts";
import type { AppState, RequestRecord } from "./context.ts";
import { upstreamStreamFailed } from "./upstream-hooks.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export interface StreamOptions {
  ctx: StreamContext;
  buffered: boolean;
  headers: Record<string, string>;
}

/** A pull flushes what it has written once it reaches this many characters. */
const MAX_BATCH = 64 * 1024;
const KEEPALIVE_TEXT = ": keep-alive\n\n";
const CONTENT_FRAME_TAIL = `${CONTENT_CHUNK_TAIL}\n\n`;
const TOOL_ARGS_FRAME_TAIL = `${TOOL_ARGS_TAIL}\n\n`;

/** Bun's direct-stream controller: strings are written as UTF-8 without a TextEncoder per frame. */
interface DirectController {
  write(chunk: string | ArrayBufferView): number | Promise<number>;
  /**
   * Sends what was written. `flush(true)` returns a promise that stays pending while the client's socket is
   * full (without `true` Bun reports nothing and keeps every further byte in memory).
   */
  flush(wait?: boolean): number | Promise<number> | undefined;
  close(): void;
}
type Controller = DirectController;


/** Builds the SSE Response; `rec` is completed and logged when the stream finishes. */
export function streamResponse(
  state: AppState,
  events: EventStream,
  rec: RequestRecord,
  opts: StreamOptions,
): Response {
  rec.streaming = true;
  const translator = createStreamTranslator(opts.ctx);
  const coalescer = opts.buffered ? createCoalescer({ bufferSize: state.config.streaming.buffer_size }) : undefined;
  const { keepalive_ms, chunk_timeout_ms, inactivity_timeout_ms } = state.config.streaming;
  let pending: Promise<IteratorResult<StreamEvent>> | undefined;
  let finished = false;

  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    stopTimer();
    const u = translator.usage();
    rec.promptTokens = u.prompt_tokens;
    rec.completionTokens = u.completion_tokens;
    rec.cachedTokens = u.cached_tokens;
    if (ok) state.metrics.success++;
    else state.metrics.failed++;
    rec.status ??= ok ? 200 : 499;
    state.logAccess(rec);
  };

  const chunkJson = createChunkSerializer();
  /** The SSE frames of translated chunks (through the coalescer in buffered mode). */
  const frames = (chunks: ChatCompletionChunk[], coalesce: boolean): string => {
    const out = coalesce && coalescer ? chunks.flatMap((c) => coalescer.push(c)) : chunks;
    let s = "";
    for (const c of out) s += `data: ${chunkJson.chunk(c)}\n\n`;
    return s;
  };
  const flushCoalescer = () => (coalescer ? frames(coalescer.flush(), false) : "");
  /** Writes and flushes at once (the timer's keep-alive comment or pending buffered text; no wait). */
  const send = (controller: Controller, text: string): void => {
    if (text === "") return;
    controller.write(text);
    controller.flush();
  };

  const fail = (controller: Controller, e: unknown) => {
    const err = e instanceof HttpError ? e : e instanceof UpstreamError ? toHttpError(e) : new HttpError(502, "upstream stream failed");
    rec.error = err.message;
    rec.status = err.status;
    upstreamStreamFailed(state, e); // [ops] mid-stream upstream errors by type
    controller.write(flushCoalescer() + dataFrame({ ...err.toJSON(), request_id: rec.id })); // [ops] request id in error bodies
    controller.close();
    void events.return?.(undefined);
    finish(false);
  };

  // Keep-alive / buffered-mode flush timer. `waitingSince` is when the pull began waiting for the upstream
  // (-1 = not waiting); after `wait` ms of that silence the timer writes the keep-alive comment (or the
  // pending buffered text) itself and starts another period.
  let ctrl: Controller | undefined;
  let waitingSince = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerDue = Infinity;
  const currentWait = () => (coalescer?.pending ? chunk_timeout_ms : keepalive_ms);
  const arm = (ms: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timerDue = performance.now() + ms;
    timer = setTimeout(onTimer, ms);
  };
  const onTimer = () => {
    timer = undefined;
    timerDue = Infinity;
    if (finished || waitingSince < 0 || !ctrl) return; // not waiting: the next wait re-arms
    const wait = currentWait();
    const waited = performance.now() - waitingSince;
    if (wait <= 0) return; // keepalive_ms = 0 turns keep-alive comments off
    if (waited < wait) return arm(wait - waited);
    if (coalescer?.pending) send(ctrl, flushCoalescer());
    else send(ctrl, KEEPALIVE_TEXT);
    waitingSince = performance.now();
    const next = currentWait();
    if (next > 0) arm(next);
  };
  /** The backpressure wait's stall timer (see drained()). */
  let stall: ReturnType<typeof setTimeout> | undefined;
  function stopTimer() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (stall !== undefined) clearTimeout(stall);
  }
  /** Waits for the next event with the keep-alive timer running (none for an event already there). */
  const waitForEvent = async (p: Promise<IteratorResult<StreamEvent>>) => {
    if (Bun.peek.status(p) !== "pending") return p;
    waitingSince = performance.now();
    const wait = currentWait();
    // keepalive_ms = 0 turns keep-alive comments off: then wait for the upstream without a timer.
    if (wait > 0 && waitingSince + wait < timerDue) arm(wait);
    try {
      return await p;
    } finally {
      waitingSince = -1;
    }
  };

  // Frames are written into Bun's buffer as they are made and flushed once per batch, so no batch string
  // is built; a text or thinking delta is written as three pieces (the stream's cached frame head, the
  // upstream's literal, the constant tail) and a tool call's argument piece as four (its index too), with no
  // chunk object or string made for them at all (not in buffered mode: the coalescer merges decoded text).
  let unflushed = 0;
  const put = (s: string) => {
    if (s === "") return;
    ctrl!.write(s);
    unflushed += s.length;
  };
  const { ctx } = opts;
  // Frame heads, each made on first use and cached for the chunks' id (final once the first chunk went out).
  let headsId = "";
  let textHead = "";
  let argsHead = "";
  let reasoningHead = "";
  /** Per tool call: the text between the frame head and the arguments literal. */
  const mids: string[] = [];
  const heads = () => {
    if (headsId === translator.id) return;
    headsId = translator.id;
    textHead = argsHead = reasoningHead = "";
  };
  /** A frame whose literal sits between a cached head and the constant tail of a one-key delta. */
  const plainFrame = (head: string, literal: string) => {
    const c = ctrl!;
    c.write(head);
    c.write(literal);
    c.write(CONTENT_FRAME_TAIL);
    unflushed += head.length + literal.length + CONTENT_FRAME_TAIL.length;
  };
  const onText = (index: number, literal: string) => {
    if (coalescer || !translator.rawText(index, literal)) return put(frames(translator.push(literalDeltaEvent("text", index, literal)), true));
    heads();
    plainFrame((textHead ||= `data: ${chunkJson.contentHead(headsId, ctx.created, ctx.model)}`), literal);
  };
  const onThinking = (index: number, literal: string) => {
    if (coalescer || !translator.rawThinking(index, literal)) return put(frames(translator.push(literalDeltaEvent("thinking", index, literal)), true));
    heads();
    plainFrame((reasoningHead ||= `data: ${chunkJson.reasoningHead(headsId, ctx.created, ctx.model)}`), literal);
  };
  const onArgs = (index: number, literal: string) => {
    const k = coalescer ? -1 : translator.rawArgs(index, literal);
    if (k < 0) return put(frames(translator.push(literalDeltaEvent("args", index, literal)), true));
    heads();
    argsHead ||= `data: ${chunkJson.toolArgsHead(headsId, ctx.created, ctx.model)}`;
    const mid = (mids[k] ??= `${k}${TOOL_ARGS_MID}`);
    const c = ctrl!;
    c.write(argsHead);
    c.write(mid);
    c.write(literal);
    c.write(TOOL_ARGS_FRAME_TAIL);
    unflushed += argsHead.length + mid.length + literal.length + TOOL_ARGS_FRAME_TAIL.length;
  };
  const onEvent = (ev: StreamEvent) => {
    const d = ev.type === "content_block_delta" ? ev.delta : undefined;
    if (d?.type === "text_delta" && typeof d.json === "string") onText((ev as { index: number }).index, d.json);
    else if (d?.type === "input_json_delta" && typeof d.json === "string") onArgs((ev as { index: number }).index, d.json);
    else if (d?.type === "thinking_delta" && typeof d.json === "string") onThinking((ev as { index: number }).index, d.json);
    else put(frames(translator.push(ev), true));
  };
  /**
   * Backpressure: a client that reads slowly holds the stream back. The pull waits until the client's socket
   * takes the batch before it reads the upstream again, so Bun's fetch stops reading Vertex and TCP slows the
   * model's stream down; the gateway keeps at most one batch per stream instead of the rest of the answer. A
   * client that takes nothing for `inactivity_timeout_ms` is given up on like a silent upstream: the upstream
   * is stopped and the stream ends with an error frame. Only this slow path pays for a timer.
   */
  const drained = (f: Promise<unknown>): Promise<unknown> => {
    const stalled = new Promise<never>((_, reject) => {
      stall = setTimeout(() => {
        const msg = `the client did not read the stream for ${inactivity_timeout_ms} ms; the gateway stopped it`;
        reject(new HttpError(408, msg, { type: "timeout_error", code: "client_stalled" }));
      }, inactivity_timeout_ms);
    });
    return Promise.race([f, stalled]).finally(() => clearTimeout(stall));
  };
  const sink: ReadySink = { text: onText, args: onArgs, thinking: onThinking, event: onEvent, full: () => unflushed >= MAX_BATCH };
  const drainReady = events.drainReady?.bind(events);

  // A Bun direct stream: pull runs once for the whole response and writes strings as they are ready.
  const stream = new ReadableStream({
    type: "direct",
    async pull(controller: Controller) {
      ctrl = controller;
      try {
        for (;;) {
          let r: IteratorResult<StreamEvent> | undefined;
          if (pending === undefined) {
            drainReady?.(sink);
            // What is already settled joins the batch, the end of the stream above all (the Vertex iterator
            // ends right after message_stop): so the last batch is not flushed on its own but leaves with
            // the end of the body in one socket write.
            if (!sink.full()) {
              const p = events.next();
              const status = Bun.peek.status(p);
              if (status === "fulfilled") r = Bun.peek(p) as IteratorResult<StreamEvent>;
              else if (status === "rejected") r = await p; // throws: the stream fails below
              else pending = p;
            }
          }
          if (r === undefined) {
            if (unflushed > 0) {
              unflushed = 0;
              const f = controller.flush(true);
              if (f instanceof Promise && Bun.peek.status(f) === "pending") await drained(f);
              if (finished) return;
            }
            r = await waitForEvent((pending ??= events.next()));
            pending = undefined;
            if (finished) return; // the client went away while we waited
          }
          if (r.done) {
            const tail = frames(translator.finish(), true);
            // No flush before close: close sends the rest and the end of the body in one socket write.
            controller.write(tail + flushCoalescer() + DONE_TEXT);
            controller.close();
            finish(true);
            return;
          }
          onEvent(r.value);
        }
      } catch (e) {
        if (!finished) fail(controller, e);
      }
    },
    async cancel() {
      // Client went away: stop the upstream at once (no tokens billed for nobody).
      rec.error = "client disconnected";
      finish(false);
      await events.return?.(undefined);
    },
  } as unknown as ConstructorParameters<typeof ReadableStream>[0]);
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...opts.headers } });
}
