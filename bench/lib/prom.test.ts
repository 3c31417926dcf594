import { expect, test } from "bun:test";
import { delta, parseHistogram, quantile, summarizeSeconds } from "./prom.ts";

const scrape = (n1: number, n2: number, n3: number, sum: number) => `# TYPE h histogram
h_bucket{op="place",stage="total",le="0.001"} ${n1}
h_bucket{op="place",stage="total",le="0.002"} ${n2}
h_bucket{op="place",stage="total",le="+Inf"} ${n3}
h_sum{op="place",stage="total"} ${sum}
h_count{op="place",stage="total"} ${n3}
h_bucket{op="cancel",stage="total",le="0.001"} 7
h_count{op="cancel",stage="total"} 7
`;

test("one series is read by its labels, two scrapes give what happened between them", () => {
  const before = parseHistogram(scrape(1, 1, 1, 0.0005), "h", { stage: "total", op: "place" });
  expect(before).toEqual({
    buckets: [
      [0.001, 1],
      [0.002, 1],
      [Infinity, 1],
    ],
    sum: 0.0005,
    count: 1,
  });
  const d = delta(parseHistogram(scrape(51, 101, 101, 0.1505), "h", { op: "place", stage: "total" }), before);
  expect(d).toEqual({
    buckets: [
      [0.001, 50],
      [0.002, 100],
      [Infinity, 100],
    ],
    sum: 0.15,
    count: 100,
  });
  // p50: the 50th of 100 is the last of the first bucket; p90: 40 of 50 into (1, 2] ms
  expect(quantile(d, 0.5)).toBeCloseTo(0.001, 9);
  expect(quantile(d, 0.9)).toBeCloseTo(0.0018, 9);
  const s = summarizeSeconds(d);
  expect(s.count).toBe(100);
  expect(s.mean).toBeCloseTo(1.5, 9);
});

test("nothing observed: NaN, not zero", () => {
  expect(summarizeSeconds(parseHistogram("", "h", { op: "x" })).p99).toBeNaN();
});
