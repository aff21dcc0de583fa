import { describe, expect, it } from "bun:test";
import { createCachedTokenSource, type MintedToken } from "../../../src/auth/cache.ts";
import { UpstreamError } from "../../../src/errors.ts";

function minter(lifetimeMs: number | undefined, clock: { t: number }) {
  let n = 0;
  const state = {
    mints: 0,
    forgets: 0,
    fail: undefined as Error | undefined,
    gate: undefined as Promise<void> | undefined,
    async mint(): Promise<MintedToken> {
      state.mints++;
      if (state.gate) await state.gate;
      if (state.fail) throw state.fail;
      n++;
      return {
        token: `t${n}`,
        expiresAt: lifetimeMs === undefined ? undefined : clock.t + lifetimeMs,
        headers: { "x-goog-user-project": "qp" },
      };
    },
  };
  return state;
}

function source(lifetimeMs: number | undefined, extra: { mintTimeoutMs?: number } = {}) {
  const clock = { t: 1_000_000 };
  const m = minter(lifetimeMs, clock);
  const ts = createCachedTokenSource({
    mint: m.mint,
    forget: () => void m.forgets++,
    describe: () => "test creds",
    explain: (e) => `explained: ${(e as Error).message}`,
    now: () => clock.t,
    ...extra,
  });
  return { ts, m, clock };
}

describe("createCachedTokenSource", () => {
  it("caches: 3 calls → 1 mint", async () => {
    const { ts, m } = source(3_599_000);
    expect([await ts.getToken(), await ts.getToken(), await ts.getToken()]).toEqual(["t1", "t1", "t1"]);
    expect(m.mints).toBe(1);
  });

  it("refreshes 5 min ahead of expiry", async () => {
    const { ts, m, clock } = source(3_599_000);
    await ts.getToken();
    clock.t += 3_599_000 - 300_001; // just before the refresh point
    expect(await ts.getToken()).toBe("t1");
    clock.t += 2; // inside the 5-minute window
    expect(await ts.getToken()).toBe("t2");
    expect(m.mints).toBe(2);
  });

  it("a token living less than the refresh window is re-minted every time", async () => {
    const { ts, m } = source(299_000);
    expect([await ts.getToken(), await ts.getToken(), await ts.getToken()]).toEqual(["t1", "t2", "t3"]);
    expect(m.mints).toBe(3);
  });

  it("re-asks after 60 s when the expiry is unknown", async () => {
    const { ts, m, clock } = source(undefined);
    await ts.getToken();
    clock.t += 59_000;
    await ts.getToken();
    expect(m.mints).toBe(1);
    clock.t += 2_000;
    await ts.getToken();
    expect(m.mints).toBe(2);
  });

  it("concurrent callers share one in-flight mint", async () => {
    const { ts, m } = source(3_599_000);
    let open!: () => void;
    m.gate = new Promise((r) => (open = r));
    const all = Promise.all(Array.from({ length: 20 }, () => ts.getToken()));
    open();
    expect(new Set(await all)).toEqual(new Set(["t1"]));
    expect(m.mints).toBe(1);
  });

  it("invalidate drops only the rejected token and tells the library to forget", async () => {
    const { ts, m } = source(3_599_000);
    const t1 = await ts.getToken();
    ts.invalidate("some-old-token");
    expect(await ts.getToken()).toBe(t1);
    ts.invalidate(t1);
    expect(m.forgets).toBe(1);
    expect(await ts.getToken()).toBe("t2");
    ts.invalidate(t1); // a late 401 for the old token must not drop the fresh one
    expect(await ts.getToken()).toBe("t2");
    expect(m.mints).toBe(2);
  });

  it("turns mint failures into UpstreamError('credentials') and recovers on the next call", async () => {
    const { ts, m } = source(3_599_000);
    m.fail = new Error("metadata said no");
    const err = await ts.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.kind).toBe("credentials");
    expect(err.status).toBe(0);
    expect(err.body).toBe("explained: metadata said no");
    m.fail = undefined;
    expect(await ts.getToken()).toBe("t1");
  });

  it("times out a hung mint", async () => {
    const { ts, m } = source(3_599_000, { mintTimeoutMs: 10 });
    m.gate = new Promise(() => {});
    const err = await ts.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.body).toMatch(/timed out/);
  });

  it("exposes the headers minted with the token", async () => {
    const { ts } = source(3_599_000);
    expect(ts.extraHeaders?.()).toEqual({});
    await ts.getToken();
    expect(ts.extraHeaders?.()).toEqual({ "x-goog-user-project": "qp" });
    expect(ts.describe()).toBe("test creds");
  });
});
