/**
 * The :streamRawPredict body as an iterator of Anthropic StreamEvents. Each SSE `data:` payload is
 * JSON-parsed (Vertex's trailing-space padding is fine for JSON.parse); every typed event is yielded,
 * including `error`, `ping`, `vertex_event` and unknown types (the translator decides what to drop).
 *
 * Failure semantics:
 * - the connection breaks, or the body ends without `message_stop` / an `error` event → UpstreamError("network");
 * - nothing arrives for `inactivityMs` → the upstream is aborted and UpstreamError("timeout") is thrown;
 * - the caller's signal aborts → the caller's reason is thrown;
 * - `return()` (the client went away) aborts the upstream fetch at once, even while a `next()` is pending.
 * A hand-written iterator rather than an async generator, because a generator's `return()` waits for a
 * pending `next()` to settle, i.e. for the upstream to speak again.
 */
import { UpstreamError } from "../../errors.ts";
import type { Deadline } from "../../net/deadline.ts";
import { readSSE, type SSEMessage } from "../../net/sse-decode.ts";
import type { Logger } from "../../observability/logger.ts";
import type { StreamEvent } from "../../wire/anthropic.ts";

export interface EventStreamOptions {
  /** Linked to the upstream fetch: aborting it tears the connection down. */
  deadline: Deadline;
  inactivityMs: number;
  logger?: Logger;
  /** Our request id, for log lines. */
  requestId?: string;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Wraps a 200 :streamRawPredict response body; see the file comment. */
export function vertexEvents(body: ReadableStream<Uint8Array>, o: EventStreamOptions): AsyncIterableIterator<StreamEvent> {
  const source = readSSE(body);
  const { deadline } = o;
  let closed = false;
  let returned = false;
  let idle = false;
  let sawEnd = false;
  let chain: Promise<unknown> = Promise.resolve();
  // Rejects as soon as the upstream is aborted for any reason, so a pending read never outlives it.
  const aborted = new Promise<never>((_, reject) => {
    const fire = () => reject(deadline.signal.reason);
    if (deadline.signal.aborted) fire();
    else deadline.signal.addEventListener("abort", fire, { once: true });
  });
  aborted.catch(() => undefined);

  const close = () => {
    if (closed) return;
    closed = true;
    deadline.abort();
    deadline.dispose();
    void source.return(undefined).catch(() => undefined); // releases the body reader once it settles
  };

  const readOne = async (): Promise<SSEMessage | undefined> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (Number.isFinite(o.inactivityMs) && o.inactivityMs > 0) {
      timer = setTimeout(() => {
        idle = true;
        deadline.abort(new DOMException(`no data for ${o.inactivityMs} ms`, "TimeoutError"));
      }, o.inactivityMs);
    }
    try {
      const r = await Promise.race([source.next(), aborted]);
      return r.done ? undefined : r.value;
    } finally {
      clearTimeout(timer);
    }
  };

  const step = async (): Promise<IteratorResult<StreamEvent>> => {
    if (closed) return DONE;
    try {
      for (;;) {
        const msg = await readOne();
        if (!msg) {
          close();
          if (sawEnd) return DONE;
          throw new UpstreamError("network", 0, "the Vertex AI stream ended before message_stop");
        }
        const ev = decode(msg, o.logger, o.requestId);
        if (!ev) continue;
        if (ev.type === "message_stop" || ev.type === "error") sawEnd = true;
        return { done: false, value: ev };
      }
    } catch (err) {
      close();
      if (returned) return DONE;
      if (err instanceof UpstreamError) throw err;
      if (idle) throw new UpstreamError("timeout", 0, `the Vertex AI stream sent nothing for ${o.inactivityMs} ms`, undefined, { cause: err });
      if (deadline.callerAborted) throw deadline.signal.reason ?? err;
      const e = err as { code?: unknown; message?: unknown };
      const detail = `${typeof e?.code === "string" ? `${e.code}: ` : ""}${typeof e?.message === "string" ? e.message : String(err)}`;
      throw new UpstreamError("network", 0, `the Vertex AI stream broke: ${detail.replace(/ For more information.*$/, "")}`, undefined, { cause: err });
    }
  };

  const it: AsyncIterableIterator<StreamEvent> = {
    next() {
      const p = chain.then(step);
      chain = p.catch(() => undefined);
      return p;
    },
    return() {
      returned = true;
      close();
      return Promise.resolve(DONE);
    },
    throw(err?: unknown) {
      returned = true;
      close();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/** One SSE message → a StreamEvent, or undefined for comments-only/non-JSON/untyped payloads. */
function decode(msg: SSEMessage, logger: Logger | undefined, requestId: string | undefined): StreamEvent | undefined {
  if (msg.data.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(msg.data);
  } catch {
    logger?.warn("ignoring a non-JSON event from Vertex", { request_id: requestId, event: msg.event, bytes: msg.data.length });
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || typeof (parsed as { type?: unknown }).type !== "string") {
    logger?.warn("ignoring an untyped event from Vertex", { request_id: requestId, event: msg.event });
    return undefined;
  }
  return parsed as StreamEvent;
}
