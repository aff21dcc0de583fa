import { describe, expect, test } from "bun:test";
import type { SoakResult } from "../../../bench/lib/measure.ts";
import { soakGrowth } from "../../../bench/lib/results.ts";

const soak = (rssMb: number[]): SoakResult => ({
  requests: rssMb.length * 10_000,
  errors: 0,
  samples: rssMb.map((mb, i) => [(i + 1) * 10_000, mb * 1024]),
  warmRssKb: (rssMb[0] ?? NaN) * 1024,
  finalRssKb: (rssMb.at(-1) ?? NaN) * 1024,
});

describe("soak growth verdict", () => {
  test("one sample has no second half: no verdict rather than 'flat'", () => {
    expect(soakGrowth(soak([75])).grows).toBeUndefined();
  });

  test("a second half within 5 % + 4 MB of the first half's peak is flat", () => {
    expect(soakGrowth(soak([70, 80, 74, 83])).grows).toBe(false);
  });

  test("a second half above that is growth", () => {
    const g = soakGrowth(soak([70, 80, 86, 95]));
    expect(g.grows).toBe(true);
    expect(g.firstHalfPeakKb).toBe(80 * 1024);
    expect(g.secondHalfPeakKb).toBe(95 * 1024);
  });
});
