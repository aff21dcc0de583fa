/** The contract between the server and an upstream (Vertex or the built-in mock). */
import type { ProviderName } from "../config/schema.ts";
import type { Message, MessagesRequest, StreamEvent } from "../wire/anthropic.ts";

/** Where one request goes: the client-facing name plus the resolved Vertex coordinates. */
export interface UpstreamTarget {
  /** The model name exactly as the client sent it (echoed in responses). */
  clientModel: string;
  /** The Vertex model id, e.g. `claude-sonnet-4-5@20250929`. */
  model: string;
  project?: string;
  region?: string;
  location?: string;
  publisher: string;
  thinking_style?: "budget" | "adaptive";
  max_tokens?: number;
}

export interface CallOptions {
  target: UpstreamTarget;
  /** Aborted when the client goes away or the request deadline passes. */
  signal: AbortSignal;
  requestId: string;
  /** Called before each retry with the reason (HTTP status or "network"). */
  onRetry?: (reason: number | "network", attempt: number, delayMs: number) => void;
}

export interface CallInfo {
  /** Number of upstream attempts made (1 = no retry). */
  attempts: number;
  /** HTTP status of the final upstream response. */
  upstreamStatus: number;
  /** `request-id`/`x-request-id` of the upstream response, when it sent one. */
  upstreamRequestId?: string;
}

export interface Provider {
  readonly name: ProviderName;
  /** Non-streaming call. Throws UpstreamError (raw; the server maps it with translate/errors.ts). */
  complete(body: MessagesRequest, opts: CallOptions): Promise<CallInfo & { message: Message }>;
  /**
   * Streaming call. Resolves once the upstream answered 200 (retries happen before that); the events
   * iterator yields decoded Anthropic events, including `{type:"error"}` frames, and throws UpstreamError
   * (kind network/timeout) when the upstream connection breaks or goes silent. `return()` on the iterator aborts the upstream.
   */
  stream(body: MessagesRequest, opts: CallOptions): Promise<CallInfo & { events: EventStream }>;
  /** Optional readiness probe (e.g. a token can be minted). */
  ready?(): Promise<void>;
}

/**
 * Where a stream's already-received events go in one synchronous batch (the server's hot path): text,
 * tool-argument and thinking deltas in their exact wire form as (content block index, the raw JSON string
 * literal), without an event object; every other event decoded, except pings (they carry nothing).
 * `event` may throw (an upstream error event): the batch stops.
 */
export interface ReadySink {
  text(index: number, literal: string): void;
  /** An `input_json_delta` piece (`partial_json` as its raw literal). */
  args(index: number, literal: string): void;
  /** A `thinking_delta` piece (`thinking` as its raw literal). */
  thinking(index: number, literal: string): void;
  event(ev: StreamEvent): void;
  /** True when the sink wants the batch to stop here (it holds enough to write); the rest stays buffered. */
  full(): boolean;
}

/**
 * A provider's stream of Anthropic events. `drainReady` is optional: when present it hands every event
 * already received to the sink without waiting (nothing happens while a `next()` is pending or after the
 * end); `next()` then waits for more. Events come out in order whichever way they are taken.
 */
export interface EventStream extends AsyncIterableIterator<StreamEvent> {
  drainReady?(sink: ReadySink): void;
}
