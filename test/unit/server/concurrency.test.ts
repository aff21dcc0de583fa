import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../src/errors.ts";
import { createConcurrencyLimiter } from "../../../src/server/concurrency.ts";

const status = async (p: Promise<void>) => {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as HttpError).status;
  }
};

describe("concurrency cap", () => {
  test("unlimited (0) never waits", () => {
    const c = createConcurrencyLimiter({ max: 0, maxQueue: 0, queueTimeoutMs: 10 });
    for (let i = 0; i < 100; i++) expect(c.acquire()).toBe(true);
    expect(c.active).toBe(100);
  });
  test("queues FIFO and hands the slot over on release", async () => {
    const queued: number[] = [];
    const c = createConcurrencyLimiter({ max: 1, maxQueue: 5, queueTimeoutMs: 5_000 }, (n) => queued.push(n));
    expect(c.acquire()).toBe(true);
    const order: string[] = [];
    const a = (c.acquire() as Promise<void>).then(() => order.push("a"));
    const b = (c.acquire() as Promise<void>).then(() => order.push("b"));
    expect(c.waiting).toBe(2);
    c.release();
    await a;
    expect(order).toEqual(["a"]);
    expect(c.active).toBe(1);
    c.release();
    await b;
    expect(order).toEqual(["a", "b"]);
    c.release();
    expect(c.active).toBe(0);
    expect(queued.at(-1)).toBe(0);
  });
  test("a full queue → 503 server_overloaded with Retry-After at once", async () => {
    const c = createConcurrencyLimiter({ max: 1, maxQueue: 0, queueTimeoutMs: 5_000 });
    c.acquire();
    const p = c.acquire() as Promise<void>;
    try {
      await p;
      throw new Error("expected 503");
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).status).toBe(503);
      expect((e as HttpError).toJSON().error.code).toBe("server_overloaded");
      expect((e as HttpError).details.headers?.["retry-after"]).toBe("1");
    }
  });
  test("waiting longer than queue_timeout_ms → 503, and the queue forgets the waiter", async () => {
    const c = createConcurrencyLimiter({ max: 1, maxQueue: 5, queueTimeoutMs: 20 });
    c.acquire();
    expect(await status(c.acquire() as Promise<void>)).toBe(503);
    expect(c.waiting).toBe(0);
    expect(c.active).toBe(1);
  });
  test("a client that disconnects while queued leaves the queue", async () => {
    const c = createConcurrencyLimiter({ max: 1, maxQueue: 5, queueTimeoutMs: 5_000 });
    c.acquire();
    const ctrl = new AbortController();
    const p = c.acquire(ctrl.signal) as Promise<void>;
    ctrl.abort();
    expect(await status(p)).toBe(499);
    expect(c.waiting).toBe(0);
  });
  test("raising the cap (reload) wakes waiters at once", async () => {
    const c = createConcurrencyLimiter({ max: 1, maxQueue: 5, queueTimeoutMs: 5_000 });
    c.acquire();
    const p = c.acquire() as Promise<void>;
    c.configure({ max: 2, maxQueue: 5, queueTimeoutMs: 5_000 });
    expect(await status(p)).toBe("ok");
    expect(c.active).toBe(2);
  });
  test("lowering the cap lets running requests finish and admits no one until below it", () => {
    const c = createConcurrencyLimiter({ max: 3, maxQueue: 5, queueTimeoutMs: 5_000 });
    c.acquire();
    c.acquire();
    c.acquire();
    c.configure({ max: 1, maxQueue: 5, queueTimeoutMs: 5_000 });
    const p = c.acquire();
    expect(p).not.toBe(true);
    (p as Promise<void>).catch(() => {});
    c.release();
    c.release();
    expect(c.waiting).toBe(1);
    c.release();
    expect(c.waiting).toBe(0);
    expect(c.active).toBe(1);
  });
});
