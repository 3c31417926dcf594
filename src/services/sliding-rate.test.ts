// SlidingRate: the per-user order rate of the risk check.
import { expect, test } from "bun:test";
import { SlidingRate } from "./sliding-rate.ts";

test("counts the hits of the last span, this one included; older ones drop out", () => {
  const w = new SlidingRate(1000);
  expect(w.hit(0)).toBe(1);
  expect(w.hit(10)).toBe(2);
  expect(w.hit(999)).toBe(3);
  expect(w.hit(1000)).toBe(3); // the hit at 0 is exactly one span old: out
  expect(w.hit(1500)).toBe(3); // 999, 1000, 1500
  expect(w.hit(5000)).toBe(1);
});

test("a long steady stream keeps the right count while the buffer is compacted", () => {
  const w = new SlidingRate(1000);
  let n = 0;
  for (let i = 0; i < 20_000; i++) n = w.hit(i * 0.5); // 2,000 hits a second
  expect(n).toBe(2000);
  expect(w.hit(20_000 * 0.5 + 2000)).toBe(1);
});
