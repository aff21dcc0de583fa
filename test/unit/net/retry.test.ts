import { describe, expect, it } from "bun:test";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  type RetryReason,
  sleep,
  withRetry,
} from "../../../src/net/retry.ts";
import { createDeadline } from "../../../src/net/deadline.ts";

class Fail extends Error {
  constructor(readonly reason: RetryReason, readonly retryAfterMs?: number) {
    super(`fail ${reason}`);
  }
}
const classify = (e: unknown) => (e instanceof Fail ? { reason: e.reason, retryAfterMs: e.retryAfterMs } : undefined);
const fast: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 4 };

function script(...outcomes: Array<Fail | Error | string>) {
  let i = 0;
  return async (attempt: number) => {
    const o = outcomes[i++];
    expect(attempt).toBe(i);
    if (o instanceof Error) throw o;
    return o ?? "done";
  };
}

describe("isRetryableStatus", () => {
  it.each([408, 429, 500, 502, 503, 504, 529])("retries %d", (s) => expect(isRetryableStatus(s)).toBe(true));
  it.each([400, 401, 403, 404, 409, 413, 422, 501])("does not retry %d", (s) => expect(isRetryableStatus(s)).toBe(false));
  it("honours x-should-retry both ways", () => {
    expect(isRetryableStatus(400, new Headers({ "x-should-retry": "true" }))).toBe(true);
    expect(isRetryableStatus(529, new Headers({ "x-should-retry": "false" }))).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("prefers retry-after-ms", () => {
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
  });
  it("reads seconds (including fractions) and HTTP dates", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now)).toBe(0);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ "retry-after": "-3" }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "x", "retry-after": "1" }), now)).toBe(1000);
  });
});

describe("backoffDelay", () => {
  it("doubles from 0.5 s and caps at 8 s without jitter", () => {
    const p = { ...DEFAULT_RETRY_POLICY, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, p))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
  it("removes at most 25 % as jitter", () => {
    expect(backoffDelay(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(500);
    expect(backoffDelay(1, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(375);
    expect(backoffDelay(5, DEFAULT_RETRY_POLICY, () => 1)).toBe(6000);
  });
});

describe("withRetry", () => {
  it("returns the first success and counts attempts", async () => {
    const r = await withRetry(script(new Fail(429), new Fail("network"), "ok"), { policy: fast, classify });
    expect(r).toEqual({ value: "ok", attempts: 3 });
  });

  it("calls onRetry before each retry with reason, attempt and delay", async () => {
    const seen: unknown[] = [];
    await withRetry(script(new Fail(503), new Fail(529), "ok"), {
      policy: { ...fast, jitter: 0 },
      classify,
      onRetry: (reason, attempt, delay) => seen.push([reason, attempt, delay]),
    });
    expect(seen).toEqual([
      [503, 1, 1],
      [529, 2, 2],
    ]);
  });

  it("maxRetries counts retries after the first attempt", async () => {
    const fn = script(new Fail(500), new Fail(500), new Fail(500), new Fail(500), "never");
    await expect(withRetry(fn, { policy: { ...fast, maxRetries: 2 }, classify })).rejects.toThrow("fail 500");
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Fail(500);
        return 1;
      },
      { policy: { ...fast, maxRetries: 2 }, classify },
    );
    expect(calls).toBe(3);
  });

  it("makes exactly one attempt when disabled", async () => {
    let calls = 0;
    const fn = async () => {
      calls++;
      throw new Fail(429);
    };
    await expect(withRetry(fn, { policy: { ...fast, enabled: false }, classify })).rejects.toBeInstanceOf(Fail);
    expect(calls).toBe(1);
  });

  it("does not retry what classify rejects and rethrows it unchanged", async () => {
    const boom = new Error("400");
    let calls = 0;
    const fn = async () => {
      calls++;
      throw boom;
    };
    await expect(withRetry(fn, { policy: fast, classify })).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it("uses the server hint instead of backoff", async () => {
    const delays: number[] = [];
    await withRetry(script(new Fail(429, 7), "ok"), { policy: fast, classify, onRetry: (_r, _a, d) => delays.push(d) });
    expect(delays).toEqual([7]);
  });

  it("gives up when the server hint exceeds maxRetryAfterMs", async () => {
    let calls = 0;
    const fn = async () => {
      calls++;
      throw new Fail(429, 120_000);
    };
    await expect(withRetry(fn, { policy: fast, classify })).rejects.toBeInstanceOf(Fail);
    expect(calls).toBe(1);
  });

  it("stops when the next sleep would overrun the total budget", async () => {
    let t = 0;
    let calls = 0;
    const fn = async () => {
      calls++;
      t += 10; // each attempt "takes" 10 ms (fake clock)
      throw new Fail(503);
    };
    await expect(
      withRetry(fn, {
        policy: { ...DEFAULT_RETRY_POLICY, jitter: 0, baseDelayMs: 5, maxRetries: 10, budgetMs: 40 },
        classify,
        now: () => t,
      }),
    ).rejects.toBeInstanceOf(Fail);
    // attempt1 ends t=10 (+5 ok) → attempt2 ends t=20 (+10 ok) → attempt3 ends t=30 (+20 > 40) → stop
    expect(calls).toBe(3);
  });

  it("aborts a sleep at once and throws the abort reason", async () => {
    const ctrl = new AbortController();
    const reason = new Error("client gone");
    const p = withRetry(
      async () => {
        throw new Fail(503);
      },
      { policy: { ...fast, baseDelayMs: 60_000, maxDelayMs: 60_000 }, classify, signal: ctrl.signal },
    );
    setTimeout(() => ctrl.abort(reason), 5);
    await expect(p).rejects.toBe(reason);
  });
});

describe("sleep", () => {
  it("rejects immediately on an already-aborted signal", async () => {
    await expect(sleep(10_000, AbortSignal.abort("why"))).rejects.toBe("why");
  });
  it("resolves after the delay", async () => {
    await sleep(1);
  });
});

describe("createDeadline", () => {
  it("reports a timeout distinctly from a caller abort", async () => {
    const d = createDeadline(5);
    await new Promise((r) => d.signal.addEventListener("abort", r));
    expect(d.timedOut).toBe(true);
    expect(d.callerAborted).toBe(false);
    expect((d.signal.reason as DOMException).name).toBe("TimeoutError");
  });
  it("propagates the caller's abort and reason", () => {
    const parent = new AbortController();
    const d = createDeadline(10_000, parent.signal);
    parent.abort("bye");
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe("bye");
    expect(d.callerAborted).toBe(true);
    expect(d.timedOut).toBe(false);
    d.dispose();
  });
  it("clearTimer disarms the deadline", async () => {
    const d = createDeadline(2);
    d.clearTimer();
    await Bun.sleep(10);
    expect(d.signal.aborted).toBe(false);
    d.abort();
    expect(d.signal.aborted).toBe(true);
    expect(d.timedOut).toBe(false);
  });
});
