/**
 * The global concurrency cap (`server.max_concurrency`, 0 = unlimited) on chat requests. A request holds
 * its slot until its response ends (streams included). When all slots are busy, up to `server.max_queue`
 * requests wait in FIFO order for at most `server.queue_timeout_ms`; beyond that, or when the queue is full,
 * the answer is 503 `server_overloaded` with Retry-After (capacity is the gateway's problem, not the
 * client's, so not 429). A queued client that disconnects leaves the queue at once.
 */
import { HttpError } from "../errors.ts";

export interface ConcurrencySettings {
  /** Max requests served at once; 0 = unlimited. */
  max: number;
  /** Max requests waiting for a slot; 0 = no queue. */
  maxQueue: number;
  queueTimeoutMs: number;
}

export interface ConcurrencyLimiter {
  /** Takes a slot: `true` at once, or a promise that resolves when one frees up (rejects with 503). */
  acquire(signal?: AbortSignal): true | Promise<void>;
  /** Gives a slot back (exactly once per successful acquire). */
  release(): void;
  /** Applies new settings (reload); raising the cap wakes waiters at once. */
  configure(settings: ConcurrencySettings): void;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  cleanup(): void;
}

/** Creates the limiter; `onQueueChange` reports the queue length (for the metrics gauge). */
export function createConcurrencyLimiter(settings: ConcurrencySettings, onQueueChange?: (n: number) => void): ConcurrencyLimiter {
  let cfg = settings;
  let active = 0;
  const queue: Waiter[] = [];
  const changed = () => onQueueChange?.(queue.length);
  const hasRoom = () => cfg.max <= 0 || active < cfg.max;

  const wake = () => {
    while (queue.length > 0 && hasRoom()) {
      const w = queue.shift() as Waiter;
      active++;
      w.cleanup();
      w.resolve();
    }
    changed();
  };

  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire(signal) {
      if (hasRoom()) {
        active++;
        return true;
      }
      if (queue.length >= cfg.maxQueue) return Promise.reject(overloaded("full"));
      return new Promise<void>((resolve, reject) => {
        const leave = (e: unknown) => {
          const i = queue.indexOf(w);
          if (i !== -1) queue.splice(i, 1);
          w.cleanup();
          changed();
          reject(e);
        };
        const timer = setTimeout(() => leave(overloaded("timeout")), cfg.queueTimeoutMs);
        const onAbort = () => leave(new HttpError(499, "The client closed the request while it was queued.", { type: "invalid_request_error" }));
        const w: Waiter = {
          resolve,
          reject,
          cleanup() {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        queue.push(w);
        changed();
      });
    },
    release() {
      if (active > 0) active--;
      if (queue.length > 0) wake();
    },
    configure(next) {
      cfg = next;
      wake();
    },
  };
}

function overloaded(why: "full" | "timeout"): HttpError {
  return new HttpError(
    503,
    why === "full"
      ? "The gateway is at its concurrency limit and its queue is full; please retry shortly."
      : "The gateway is at its concurrency limit and no slot freed up in time; please retry shortly.",
    { type: "server_error", code: "server_overloaded", headers: { "retry-after": "1" } },
  );
}
