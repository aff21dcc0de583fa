import { describe, expect, test } from "bun:test";
import { createMemoryRateLimiter, rateLimitError, type RateDecision } from "../../../src/server/rate-limit.ts";

const sync = (d: RateDecision | Promise<RateDecision>) => {
  if (d instanceof Promise) throw new Error("the in-memory limiter must answer synchronously");
  return d;
};

describe("requests per minute", () => {
  test("allows a minute's quota in a burst, then refuses with the time until one request refills", () => {
    const rl = createMemoryRateLimiter();
    const limits = { requestsPerMinute: 3 };
    for (let i = 0; i < 3; i++) expect(sync(rl.acquire("k", limits, 0)).ok).toBe(true);
    const d = sync(rl.acquire("k", limits, 0));
    expect(d).toEqual({ ok: false, reason: "requests", limit: 3, retryAfterMs: 20_000 });
    // Refill is continuous: 1 request per 20 s at 3 RPM.
    expect(sync(rl.acquire("k", limits, 19_000)).ok).toBe(false);
    expect(sync(rl.acquire("k", limits, 20_000)).ok).toBe(true);
    expect(sync(rl.acquire("k", limits, 20_001)).ok).toBe(false);
  });
  test("keys are independent", () => {
    const rl = createMemoryRateLimiter();
    expect(sync(rl.acquire("a", { requestsPerMinute: 1 }, 0)).ok).toBe(true);
    expect(sync(rl.acquire("a", { requestsPerMinute: 1 }, 0)).ok).toBe(false);
    expect(sync(rl.acquire("b", { requestsPerMinute: 1 }, 0)).ok).toBe(true);
  });
  test("no limits → always allowed, no state", () => {
    const rl = createMemoryRateLimiter();
    for (let i = 0; i < 1000; i++) expect(sync(rl.acquire("k", {}, 0)).ok).toBe(true);
  });
  test("a lowered limit (reload) caps the stored allowance", () => {
    const rl = createMemoryRateLimiter();
    sync(rl.acquire("k", { requestsPerMinute: 100 }, 0));
    expect(sync(rl.acquire("k", { requestsPerMinute: 1 }, 0)).ok).toBe(true);
    expect(sync(rl.acquire("k", { requestsPerMinute: 1 }, 0)).ok).toBe(false);
  });
});

describe("tokens per minute", () => {
  test("admits while allowance remains, charges actual usage afterwards, refuses while in debt", () => {
    const rl = createMemoryRateLimiter();
    const limits = { tokensPerMinute: 600 };
    expect(sync(rl.acquire("k", limits, 0)).ok).toBe(true);
    rl.record("k", 500, limits, 0);
    expect(sync(rl.acquire("k", limits, 0)).ok).toBe(true); // 100 left
    rl.record("k", 700, limits, 0); // 600 in debt
    const d = sync(rl.acquire("k", limits, 0));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.reason).toBe("tokens");
      // 601 tokens must refill at 10 tokens/s.
      expect(d.retryAfterMs).toBeCloseTo(60_100, 0);
    }
    expect(sync(rl.acquire("k", limits, 60_000)).ok).toBe(false);
    expect(sync(rl.acquire("k", limits, 60_200)).ok).toBe(true);
  });
  test("a TPM refusal does not consume RPM", () => {
    const rl = createMemoryRateLimiter();
    const limits = { requestsPerMinute: 1, tokensPerMinute: 10 };
    rl.record("k", 100, limits, 0);
    expect(sync(rl.acquire("k", limits, 0)).ok).toBe(false);
    rl.record("k", -100, limits, 0); // ignored: negative usage is not a refund
    const later = 60_000 * 10;
    expect(sync(rl.acquire("k", limits, later)).ok).toBe(true);
  });
});

test("429 in OpenAI's shape with Retry-After and retry-after-ms", () => {
  const err = rateLimitError("laptop", { ok: false, reason: "tokens", limit: 1000, retryAfterMs: 1234 });
  expect(err.status).toBe(429);
  expect(err.toJSON().error).toMatchObject({ type: "tokens", code: "rate_limit_exceeded" });
  expect(err.message).toContain("TPM");
  expect(err.details.headers).toMatchObject({ "retry-after": "2", "retry-after-ms": "1234", "x-ratelimit-limit-tokens": "1000" });
});
