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
  return new CallDeadline(ms, parent);
}

/**
 * Hot path (one per upstream call): a class, so a call allocates the controller, this object and at most two
 * closures (the timer's and the parent listener), not a closure per method and getter.
 */
class CallDeadline implements Deadline {
  readonly signal: AbortSignal;
  timedOut = false;
  callerAborted = false;
  private readonly ctrl = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onParentAbort: (() => void) | undefined;

  constructor(
    ms: number,
    private readonly parent?: AbortSignal,
  ) {
    this.signal = this.ctrl.signal;
    if (Number.isFinite(ms) && ms > 0) this.timer = setTimeout(() => this.expire(ms), ms);
    if (parent) {
      this.onParentAbort = () => this.fromParent();
      if (parent.aborted) this.fromParent();
      else parent.addEventListener("abort", this.onParentAbort, { once: true });
    }
  }

  private expire(ms: number): void {
    if (this.signal.aborted) return;
    this.timedOut = true;
    this.ctrl.abort(new DOMException(`deadline of ${ms} ms exceeded`, "TimeoutError"));
  }

  private fromParent(): void {
    if (this.signal.aborted) return;
    this.callerAborted = true;
    this.ctrl.abort(this.parent?.reason);
  }

  abort(reason?: unknown): void {
    if (!this.signal.aborted) this.ctrl.abort(reason ?? new DOMException("The operation was aborted.", "AbortError"));
  }

  clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.clearTimer();
    if (this.onParentAbort) this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}
