// Percentiles from the histogram must match exact ones within its bucket precision.
import { expect, test } from "bun:test";
import { Histogram, median } from "./hist.ts";

test("quantiles within 0.2% (or 1 us) of exact ones", () => {
  const h = new Histogram();
  const xs: number[] = [];
  let seed = 7;
  for (let i = 0; i < 100000; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const ms = Math.exp((seed / 2 ** 32) * 10 - 4); // 0.018 ms .. 400 ms, log-uniform
    xs.push(ms);
    h.recordMs(ms);
  }
  xs.sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.99, 0.999]) {
    const exact = xs[Math.ceil(q * xs.length) - 1]!;
    expect(Math.abs(h.quantileMs(q) - exact)).toBeLessThanOrEqual(Math.max(0.001, exact * 0.002));
  }
  expect(h.summary().max).toBeCloseTo(xs[xs.length - 1]!, 3);
});

test("median of runs ignores NaN", () => {
  expect(median([3, Number.NaN, 1, 2])).toBe(2);
  expect(median([1, 2, 3, 4])).toBe(2.5);
  expect(Number.isNaN(median([]))).toBe(true);
});
