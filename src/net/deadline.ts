/**
 * A per-call AbortController that fires when the caller's signal aborts OR a deadline passes, and
 * remembers which one happened (so a timeout can be reported as a timeout, a disconnect as an abort).
 */

export interface Deadline {
  /** Aborts on caller abort, deadline, or `abort()`. */
  readonly signal: AbortSignal;
  /** True once the deadline (not the caller) caused the abort. */
  readonly timedOut: boolean;
  /** True once the caller's signal caused the abort. */
  readonly callerAborted: boolean;
  /** Abort for another reason (e.g. the consumer stopped reading). */
  abort(reason?: unknown): void;
  /** Stop the deadline timer (keeps the caller link); call when the deadline no longer applies. */
  clearTimer(): void;
  /** Stop the timer and detach from the caller's signal. */
  dispose(): void;
}

/** Creates a deadline of `ms` (Infinity/≤0 = none) linked to `parent`. */
export function createDeadline(ms: number, parent?: AbortSignal): Deadline {
  const ctrl = new AbortController();
  let timedOut = false;
  let callerAborted = false;
  const onParentAbort = () => {
    if (ctrl.signal.aborted) return;
    callerAborted = true;
    ctrl.abort(parent?.reason);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (Number.isFinite(ms) && ms > 0) {
    timer = setTimeout(() => {
      if (ctrl.signal.aborted) return;
      timedOut = true;
      ctrl.abort(new DOMException(`deadline of ${ms} ms exceeded`, "TimeoutError"));
    }, ms);
  }
  if (parent) {
    if (parent.aborted) onParentAbort();
    else parent.addEventListener("abort", onParentAbort, { once: true });
  }
  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal: ctrl.signal,
    get timedOut() {
      return timedOut;
    },
    get callerAborted() {
      return callerAborted;
    },
    abort(reason?: unknown) {
      if (!ctrl.signal.aborted) ctrl.abort(reason ?? new DOMException("The operation was aborted.", "AbortError"));
    },
    clearTimer,
    dispose() {
      clearTimer();
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
