/**
 * Streams translated chunks to the client as SSE with a pull-based ReadableStream: one upstream event is
 * translated and forwarded per pull, nothing is buffered beyond the optional "buffered" coalescer.
 * - keep-alive comments during upstream silence (thinking) so proxies do not cut the connection;
 * - buffered mode flushes pending text after `chunk_timeout_ms` without a flush;
 * - an upstream error after the first byte becomes one `data: {"error":…}` frame and the stream ends
 *   (the OpenAI SDKs raise it), never a silent truncated success;
 * - the client going away (cancel) closes the upstream iterator, which aborts the upstream fetch.
 */
import { HttpError, UpstreamError } from "../errors.ts";
import { DONE_FRAME, KEEPALIVE_FRAME, encodeData } from "../net/sse-encode.ts";
import { toHttpError } from "../translate/errors.ts";
import { createCoalescer } from "../translate/to-openai/coalesce.ts";
import { createStreamTranslator, type StreamContext } from "../translate/to-openai/stream.ts";
import type { ChatCompletionChunk } from "../wire/openai.ts";
import type { StreamEvent } from "../wire/anthropic.ts";
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

const TICK = Symbol("tick");

/** Builds the SSE Response; `rec` is completed and logged by `onEnd` when the stream finishes. */
export function streamResponse(
  state: AppState,
  events: AsyncIterableIterator<StreamEvent>,
  rec: RequestRecord,
  opts: StreamOptions,
): Response {
  rec.streaming = true;
  const translator = createStreamTranslator(opts.ctx);
  const coalescer = opts.buffered ? createCoalescer({ bufferSize: state.config.streaming.buffer_size }) : undefined;
  const { keepalive_ms, chunk_timeout_ms } = state.config.streaming;
  let pending: Promise<IteratorResult<StreamEvent>> | undefined;
  let finished = false;

  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    const u = translator.usage();
    rec.promptTokens = u.prompt_tokens;
    rec.completionTokens = u.completion_tokens;
    rec.cachedTokens = u.cached_tokens;
    if (ok) state.metrics.success++;
    else state.metrics.failed++;
    rec.status ??= ok ? 200 : 499;
    state.logAccess(rec);
  };

  const write = (controller: ReadableStreamDefaultController<Uint8Array>, chunks: ChatCompletionChunk[]) => {
    for (const c of chunks) controller.enqueue(encodeData(c));
    return chunks.length;
  };
  /** Sends translated chunks, through the coalescer in buffered mode. */
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, chunks: ChatCompletionChunk[]) =>
    write(controller, coalescer ? chunks.flatMap((c) => coalescer.push(c)) : chunks);

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, e: unknown) => {
    const err = e instanceof HttpError ? e : e instanceof UpstreamError ? toHttpError(e) : new HttpError(502, "upstream stream failed");
    rec.error = err.message;
    rec.status = err.status;
    upstreamStreamFailed(state, e); // [ops] mid-stream upstream errors by type
    if (coalescer) for (const c of coalescer.flush()) controller.enqueue(encodeData(c));
    controller.enqueue(encodeData({ ...err.toJSON(), request_id: rec.id })); // [ops] request id in error bodies
    controller.close();
    void events.return?.(undefined);
    finish(false);
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Loop until something was written, so each pull makes progress for the consumer.
        for (;;) {
          pending ??= events.next();
          const wait = coalescer?.pending ? chunk_timeout_ms : keepalive_ms;
          let timer: ReturnType<typeof setTimeout> | undefined;
          // keepalive_ms = 0 turns keep-alive comments off: then wait for the upstream without a timer.
          const r =
            wait > 0
              ? await Promise.race([pending, new Promise<typeof TICK>((res) => (timer = setTimeout(res, wait, TICK)))])
              : await pending;
          clearTimeout(timer);
          if (r === TICK) {
            if (coalescer?.pending) {
              if (write(controller, coalescer.flush())) return;
            } else {
              controller.enqueue(KEEPALIVE_FRAME);
              return;
            }
            continue;
          }
          pending = undefined;
          if (r.done) {
            const tail = translator.finish();
            emit(controller, tail);
            if (coalescer) write(controller, coalescer.flush());
            controller.enqueue(DONE_FRAME);
            controller.close();
            finish(true);
            return;
          }
          if (emit(controller, translator.push(r.value)) > 0) return;
        }
      } catch (e) {
        fail(controller, e);
      }
    },
    async cancel() {
      // Client went away: stop the upstream at once (no tokens billed for nobody).
      rec.error = "client disconnected";
      finish(false);
      await events.return?.(undefined);
    },
  });
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...opts.headers } });
}
