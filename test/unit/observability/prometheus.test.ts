import { describe, expect, test } from "bun:test";
import { Counter, escapeLabelValue, Gauge, Histogram, renderMetrics } from "../../../src/observability/prometheus.ts";
import { parsePrometheus, sampleSum } from "../../helpers/prom-text.ts";

describe("text exposition", () => {
  test("counters, gauges and histograms render as valid Prometheus text", () => {
    const c = new Counter("t_requests_total", "Requests.", ["route", "status"]);
    c.inc(["/v1/chat/completions", "200"]);
    c.inc(["/v1/chat/completions", "200"], 2);
    c.inc(["/v1/models", "401"]);
    const plain = new Counter("t_events_total", "Unlabelled, shown as 0 before the first event.", []);
    const g = new Gauge("t_in_flight", "In flight.", () => 3);
    const h = new Histogram("t_latency_seconds", "Latency.", [0.1, 1, 10], ["route"]);
    for (const v of [0.05, 0.1, 0.5, 5, 50]) h.observe(v, ["/x"]);
    const text = renderMetrics([c, plain, g, h]);
    const fams = parsePrometheus(text);
    expect(fams.get("t_requests_total")?.type).toBe("counter");
    expect(sampleSum(fams, "t_requests_total", { route: "/v1/chat/completions" })).toBe(3);
    expect(sampleSum(fams, "t_events_total")).toBe(0);
    expect(sampleSum(fams, "t_in_flight")).toBe(3);
    // le is inclusive: 0.1 falls in the 0.1 bucket.
    expect(sampleSum(fams, "t_latency_seconds_bucket", { le: "0.1" })).toBe(2);
    expect(sampleSum(fams, "t_latency_seconds_bucket", { le: "1" })).toBe(3);
    expect(sampleSum(fams, "t_latency_seconds_bucket", { le: "10" })).toBe(4);
    expect(sampleSum(fams, "t_latency_seconds_bucket", { le: "+Inf" })).toBe(5);
    expect(sampleSum(fams, "t_latency_seconds_count")).toBe(5);
    expect(sampleSum(fams, "t_latency_seconds_sum")).toBeCloseTo(55.65);
  });

  test("series updated in any order keep their own counts (the recent-series shortcut never mixes them)", () => {
    const c = new Counter("c_total", "c", ["a", "b"]);
    const h = new Histogram("h_seconds", "h", [1, 2], ["a"]);
    const labels = ["x", "1"];
    c.inc(labels);
    labels[1] = "2"; // a caller reusing its array: the series keeps its own copy
    c.inc(labels, 5);
    c.inc(["x", "1"], 2);
    c.inc(["x", String(1)]);
    c.inc(["x", "2"]);
    expect([c.get(["x", "1"]), c.get(["x", "2"]), c.get(["x", "3"])]).toEqual([4, 6, 0]);
    // More series than the shortcut remembers, in turn: each keeps its own count.
    for (let round = 0; round < 3; round++) for (let i = 0; i < 6; i++) c.inc(["y", String(i)], i + 1);
    expect([0, 1, 2, 3, 4, 5].map((i) => c.get(["y", String(i)]))).toEqual([3, 6, 9, 12, 15, 18]);
    for (const [v, a] of [[0.5, "p"], [1.5, "q"], [3, "p"], [0.1, "p"]] as const) h.observe(v, [a]);
    expect([h.count(["p"]), h.count(["q"])]).toEqual([3, 1]);
    const out: string[] = [];
    h.render(out);
    expect(out).toContain('h_seconds_bucket{a="p",le="1"} 2');
    expect(out).toContain('h_seconds_bucket{a="q",le="2"} 1');
  });

  test("label values are escaped", () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const c = new Counter("t_total", "x", ["model"]);
    c.inc(['we"ird\nname']);
    const fams = parsePrometheus(renderMetrics([c]));
    expect(fams.get("t_total")!.samples[0]!.labels.model).toBe('we"ird\nname');
  });

  test("an unlabelled histogram with no observations still renders", () => {
    const fams = parsePrometheus(renderMetrics([new Histogram("t_h", "h", [1, 2])]));
    expect(sampleSum(fams, "t_h_count")).toBe(0);
  });

  test("the parser rejects malformed text (so the tests above mean something)", () => {
    expect(() => parsePrometheus("# TYPE x counter\nx{a=b} 1\n")).toThrow();
    expect(() => parsePrometheus("x 1\n")).toThrow();
    expect(() => parsePrometheus("# TYPE x counter\nx 1")).toThrow();
    expect(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow();
  });
});
