import { expect, test } from "bun:test";
import { maxDrawdown } from "./drawdown.ts";

test("the largest fall from a peak before it, as an amount and a percent of that peak", () => {
  // Peaks 110 then 120: the falls are 110 -> 95 (15) and 120 -> 100 (20); the larger counts.
  const d = maxDrawdown([100, 110, 95, 105, 120, 100, 115]);
  expect(d!.amount).toBe(20);
  expect(d!.pct).toBeCloseTo((20 / 120) * 100, 9);
  expect(maxDrawdown([100, 101, 102])).toBeNull(); // never fell
  expect(maxDrawdown([100])).toBeNull();
  expect(maxDrawdown([100, Number.NaN, 90])!.amount).toBe(10); // a gap is skipped
});
