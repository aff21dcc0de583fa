import { describe, expect, it } from "bun:test";
import { createDeadline } from "../../../src/net/deadline.ts";

describe("createDeadline", () => {
  it("times out after ms: the signal aborts with a TimeoutError and timedOut is set", async () => {
    const d = createDeadline(5);
    expect(d.signal.aborted).toBe(false);
    await Bun.sleep(20);
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe("TimeoutError");
    expect([d.timedOut, d.callerAborted]).toEqual([true, false]);
  });

  it("follows the caller's signal with the caller's reason, also when it is already aborted", () => {
    const parent = new AbortController();
    const d = createDeadline(60_000, parent.signal);
    parent.abort(new Error("gone"));
    expect(d.signal.reason).toEqual(new Error("gone"));
    expect([d.timedOut, d.callerAborted]).toEqual([false, true]);
    d.dispose();
    const early = createDeadline(0, parent.signal);
    expect(early.signal.aborted).toBe(true);
    expect(early.callerAborted).toBe(true);
  });

  it("abort() aborts for another reason (an AbortError by default) and marks neither cause", () => {
    const d = createDeadline(0);
    d.abort();
    expect((d.signal.reason as DOMException).name).toBe("AbortError");
    expect([d.timedOut, d.callerAborted]).toEqual([false, false]);
    d.abort(new Error("later")); // the first reason stays
    expect((d.signal.reason as DOMException).name).toBe("AbortError");
  });

  it("clearTimer() stops the deadline but keeps the caller link; dispose() drops both", async () => {
    const parent = new AbortController();
    const d = createDeadline(5, parent.signal);
    d.clearTimer();
    await Bun.sleep(20);
    expect(d.signal.aborted).toBe(false);
    d.dispose();
    parent.abort();
    expect(d.signal.aborted).toBe(false);
  });
});
