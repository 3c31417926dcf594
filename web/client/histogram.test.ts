import { expect, test } from "bun:test";
import { LogHistogram } from "./histogram.ts";

test("percentiles fall within one bucket of the true value", () => {
  const h = new LogHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i / 100); // 0.01 .. 10 ms
  const s = h.snapshot();
  expect(s.count).toBe(1000);
  expect(s.p50!).toBeGreaterThanOrEqual(5);
  expect(s.p50!).toBeLessThan(5 * 2 ** 0.25);
  expect(s.p99!).toBeGreaterThanOrEqual(9.9);
  expect(s.p99!).toBeLessThanOrEqual(10);
  expect(s.max).toBe(10);
  expect(s.mean!).toBeCloseTo(5.005, 6);
});

test("negatives and zero land in the first bucket, huge values in the last; no NaN", () => {
  const h = new LogHistogram();
  h.record(-3);
  h.record(0);
  h.record(1e12);
  h.record(Number.NaN);
  expect(h.count).toBe(3);
  const s = h.snapshot();
  expect(s.buckets[0]).toEqual({ le: 0.01, n: 2 });
  expect(s.buckets.at(-1)!.n).toBe(1);
  expect(h.quantile(0.5)).toBe(0.01);
  h.reset();
  expect(h.snapshot()).toMatchObject({ count: 0, p50: null, max: null });
});
