/**
 * The :streamRawPredict body as an iterator of Anthropic StreamEvents. Each SSE `data:` payload is
 * JSON-parsed (Vertex's trailing-space padding is fine for JSON.parse) unless it is in one of the exact wire
 * forms fast-events.ts decodes itself (deltas, pings, a text block's start and stop, message_stop; a plain
 * answer then parses only message_start and message_delta); every typed event is yielded by
 * `next()`, including `error`, `ping`, `vertex_event` and unknown types (the translator decides what to
 * drop). `drainReady()` leaves pings out.
 *
 * The iterator ends right after `message_stop` (or an `error` event), without waiting for the body's end;
 * the rest of the body is read in the background (see endNow).
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
import { SSEScanner } from "../../net/sse-scan.ts";
import type { Logger } from "../../observability/logger.ts";
import type { StreamEvent } from "../../wire/anthropic.ts";
import type { EventStream, ReadySink } from "../types.ts";
import { blockEventAt, deltaEventAt, isPing, matchDelta, PING } from "./fast-events.ts";

export interface EventStreamOptions {
  /** Linked to the upstream fetch: aborting it tears the connection down. */
  deadline: Deadline;
  inactivityMs: number;
  logger?: Logger;
  /** Our request id, for log lines. */
  requestId?: string;
  /**
   * The body's reads are ours to free: set for the body of our own upstream fetch, whose every read owns its
   * buffer and is handed out once. Large reads are then freed as soon as they are decoded (see release()).
   * Off by default: a body made from someone else's buffers (a Response of a Uint8Array hands out that very
   * buffer) must not be detached under its owner.
   */
  releaseReads?: boolean;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/** Bytes of a body read after message_stop before it is dropped instead (Vertex sends nothing there). */
const MAX_AFTER_END = 64 * 1024;
/**
 * Reads at least this large are released as soon as they are decoded (see release()); smaller ones, the
 * usual read of a stream arriving at a model's pace, cost the collector little.
 */
const RELEASE_AT = 16 * 1024;

/**
 * Wraps a 200 :streamRawPredict body; see the file comment.
 *
 * Hot path (performance): one network read usually carries many events. The read's text is scanned in
 * place (SSEScanner) and events are decoded only when asked for: `next()` hands out an event already
 * buffered, or in a read the body already holds (Bun.peek), as a resolved promise, and `drainReady(sink)`
 * hands every buffered event to a sink at once, text, tool-argument and thinking deltas as (index, raw JSON
 * literal) without any event object (fast-events.ts). The async machinery (read, abort race) runs only for
 * a read that has to wait; the inactivity limit is one watchdog timer per stream, armed by the first such
 * read and re-armed lazily, instead of a timer per read.
 */
export function vertexEvents(body: ReadableStream<Uint8Array>, o: EventStreamOptions): EventStream & { drainReady(sink: ReadySink): void } {
  const reader = body.getReader();
  type ReadResult = Awaited<ReturnType<typeof reader.read>>;
  const scanner = new SSEScanner();
  const { deadline } = o;
  const releaseReads = o.releaseReads === true;
  let eof = false;
  let closed = false;
  let returned = false;
  let idle = false;
  let sawEnd = false;
  /** next() calls that took the slow path and have not settled yet (they run one after another). */
  let inflight = 0;
  let chain: Promise<unknown> = Promise.resolve();
  // Rejects as soon as the upstream is aborted for any reason, so a pending read never outlives it. Made
  // on the first read that has to wait (a read of data already buffered needs no race).
  let aborted: Promise<never> | undefined;
  const abortedOnce = (): Promise<never> => {
    if (aborted) return aborted;
    aborted = new Promise<never>((_, reject) => {
      const fire = () => reject(deadline.signal.reason);
      if (deadline.signal.aborted) fire();
      else deadline.signal.addEventListener("abort", fire, { once: true });
    });
    aborted.catch(() => undefined);
    return aborted;
  };

  // Inactivity watchdog: armed when a read starts waiting on the upstream; when it fires it checks how
  // long the current read has waited and either aborts or re-arms for the rest.
  const limit = o.inactivityMs;
  const watch = Number.isFinite(limit) && limit > 0;
  let readingSince = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onTimer = () => {
    timer = undefined;
    if (closed || readingSince < 0) return; // not waiting: the next read re-arms
    const waited = performance.now() - readingSince;
    if (waited >= limit) {
      idle = true;
      deadline.abort(new DOMException(`no data for ${limit} ms`, "TimeoutError"));
      if (over) close(); // the rest of a finished stream (readRest): nobody awaits it, so let it go here
    } else {
      timer = setTimeout(onTimer, limit - waited);
    }
  };

  /** A read starts waiting on the upstream: the watchdog times it (armed once, re-armed lazily by onTimer). */
  const watchRead = () => {
    if (!watch) return;
    readingSince = performance.now();
    timer ??= setTimeout(onTimer, limit);
  };

  /** `ended`: the body was read to its end, so there is nothing to abort or cancel (the common case). */
  const close = (ended = false) => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (!ended) deadline.abort();
    deadline.dispose();
    if (!ended) void reader.cancel().catch(() => undefined); // releases the body
    // A read next() started that no step will await now: its rejection (the abort) is expected.
    if (started !== undefined) void started.catch(() => undefined);
    started = undefined;
  };

  /** A read next() started and found still pending: fill() waits for it instead of starting another. */
  let started: Promise<ReadResult> | undefined;
  /** One network read into the scanner (or the end of the body). */
  const fill = async (): Promise<void> => {
    const read = started ?? reader.read();
    started = undefined;
    let r: ReadResult;
    if (Bun.peek.status(read) === "pending") {
      watchRead(); // only a read that really waits arms the watchdog (data already received needs none)
      try {
        r = await Promise.race([read, abortedOnce()]);
      } finally {
        readingSince = -1;
      }
    } else r = await read;
    apply(r);
  };
  const apply = (r: ReadResult) => {
    if (r.done) {
      eof = true;
      scanner.end();
    } else {
      scanner.push(r.value);
      if (releaseReads) release(r.value);
    }
  };
  /**
   * The next event without waiting, when the body already holds it: reads that are already fulfilled are
   * taken synchronously (Bun.peek). Undefined when a read has to wait (it is left in `started`) or at the end.
   */
  const takeNow = (): StreamEvent | undefined => {
    for (;;) {
      if (sawEnd) return undefined;
      const ev = take();
      if (ev || eof) return ev;
      const read = reader.read();
      const status = Bun.peek.status(read);
      if (status !== "fulfilled") {
        if (status === "rejected") read.catch(() => undefined); // fill() rethrows it a few microtasks later
        started = read;
        return undefined;
      }
      apply(Bun.peek(read) as ReadResult);
    }
  };

  /** An event decoded from a payload (JSON.parse unless fast-events.ts knows its form); notes the end of the stream. */
  const eventOf = (s: string, start: number, end: number): StreamEvent | undefined => {
    if (isPing(s, start, end)) return PING;
    const ev = blockEventAt(s, start, end) ?? parse(start === 0 && end === s.length ? s : s.slice(start, end), o.logger, o.requestId);
    if (ev && (ev.type === "message_stop" || ev.type === "error")) sawEnd = true;
    return ev;
  };

  // take(): the next buffered event as an object.
  let taken: StreamEvent | undefined;
  const takeData = (s: string, start: number, end: number) => {
    taken = deltaEventAt(s, start, end) ?? eventOf(s, start, end);
  };
  const take = (): StreamEvent | undefined => {
    while (scanner.next(takeData)) {
      const ev = taken;
      taken = undefined;
      if (ev) return ev;
    }
    return undefined;
  };

  // drainReady(sink): every buffered event to the sink, the deltas without an event object.
  let sink: ReadySink | undefined;
  const drainData = (s: string, start: number, end: number) => {
    if (matchDelta(s, start, end, sink!)) return;
    const ev = eventOf(s, start, end);
    if (ev && ev !== PING) sink!.event(ev); // a ping carries nothing
  };

  /**
   * After `message_stop` (or an `error` event) the answer is complete: the caller gets the end at once,
   * without waiting for the body's end, and the rest of the body (normally only its end, a moment later) is
   * read in the background, so the connection goes back to the pool; anything after it is ignored. A body
   * that does not end within the inactivity limit is aborted. So the server can send the last batch and the
   * end of its own body in one socket write, and the client's `[DONE]` never waits on the upstream. (With
   * the inactivity limit off, the body is waited for however long it takes, like every other read.) A body
   * that keeps sending after message_stop is dropped after MAX_AFTER_END bytes.
   */
  let over = false;
  const endNow = (): IteratorReturnResult<undefined> => {
    over = true;
    readRest();
    return DONE;
  };
  /**
   * Reads the body to its end, ignoring what it holds. Hot path: it runs once per stream, so it is plain
   * reads and callbacks, no abort race (close() cancels the reader, which settles a pending read) and no
   * async machinery; the inactivity watchdog bounds it (onTimer closes a body that stays open).
   */
  const readRest = (): void => {
    while (!closed) {
      if (eof) return close(true);
      const read = started ?? reader.read();
      started = undefined;
      const status = Bun.peek.status(read);
      if (status === "fulfilled") {
        if (tooMuchAfterEnd(Bun.peek(read) as ReadResult)) return close();
        continue;
      }
      if (status === "rejected") {
        read.catch(() => undefined);
        return close();
      }
      watchRead();
      read.then(restRead, () => close());
      return;
    }
  };
  const restRead = (r: ReadResult) => {
    readingSince = -1;
    if (tooMuchAfterEnd(r)) return close();
    readRest();
  };
  /** Notes the body's end; true once more than MAX_AFTER_END bytes came after message_stop (then it is dropped). */
  let afterEnd = 0;
  const tooMuchAfterEnd = (r: ReadResult): boolean => {
    if (r.done) {
      eof = true;
      return false;
    }
    afterEnd += r.value.byteLength;
    return afterEnd > MAX_AFTER_END;
  };

  const step = async (): Promise<IteratorResult<StreamEvent>> => {
    try {
      if (closed || over) return DONE;
      for (;;) {
        if (sawEnd) return endNow();
        const ev = take();
        if (ev) return { done: false, value: ev };
        if (eof) {
          close(true);
          throw new UpstreamError("network", 0, "the Vertex AI stream ended before message_stop");
        }
        await fill();
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
    } finally {
      inflight--;
    }
  };

  const it: EventStream & { drainReady(sink: ReadySink): void } = {
    next() {
      if (over) return Promise.resolve(DONE);
      if (inflight === 0 && !closed && started === undefined) {
        const ev = takeNow();
        if (ev) return Promise.resolve({ done: false, value: ev });
        if (sawEnd) return Promise.resolve(endNow());
      }
      inflight++;
      const p = chain.then(step);
      chain = p.catch(() => undefined);
      return p;
    },
    drainReady(to: ReadySink) {
      if (inflight !== 0 || closed || over) return;
      sink = to;
      while (!closed && !sawEnd && !to.full() && scanner.next(drainData));
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

/** One SSE payload → a StreamEvent, or undefined for blank/non-JSON/untyped payloads (logged). */
function parse(data: string, logger: Logger | undefined, requestId: string | undefined): StreamEvent | undefined {
  if (data.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    logger?.warn("ignoring a non-JSON event from Vertex", { request_id: requestId, bytes: data.length });
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || typeof (parsed as { type?: unknown }).type !== "string") {
    logger?.warn("ignoring an untyped event from Vertex", { request_id: requestId });
    return undefined;
  }
  return parsed as StreamEvent;
}

/**
 * Frees a large read's memory as soon as the scanner has decoded it, instead of when the garbage collector
 * gets to it (only with `releaseReads`: a read of our own fetch's body is handed out once and owns its
 * whole buffer, and nothing keeps it after the decode; the scanner keeps the text, a copy). Under load a
 * long answer arrives in reads of 16–110 kB, so waiting for the collector left hundreds of megabytes of
 * dead buffers per second in the allocator. Peak RSS of the 1,000-delta benchmark, five interleaved runs
 * of 6–10 rounds against the same code without this: median of the rounds' peaks 99–108 vs 102–117 MB,
 * highest 106–121 vs 112–131 MB; CPU unchanged. A view of a larger buffer (someone else's memory) is left
 * alone.
 */
function release(bytes: Uint8Array): void {
  if (bytes.byteLength < RELEASE_AT || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return;
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  try {
    buffer.transfer?.(0); // detaches the buffer: its memory is freed now
  } catch {
    // Freeing early is only an optimisation: a buffer that cannot be detached is left to the collector.
  }
}
