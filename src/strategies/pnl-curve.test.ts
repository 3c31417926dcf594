import { expect, test } from "bun:test";
import { PnlCurve } from "./pnl-curve.ts";

test("one point per bucket, holding the latest total in it; older times and non-numbers are ignored", () => {
  const c = new PnlCurve(10_000);
  c.sample(100_000, 0);
  c.sample(104_000, 1.5);
  c.sample(110_000, 2);
  c.sample(95_000, 9); // before the last bucket: a clock step back
  c.sample(119_999, Number.NaN);
  expect(c.since()).toEqual([
    { ts: 100_000, total: 1.5 },
    { ts: 110_000, total: 2 },
  ]);
  expect(c.since(105_000)).toEqual([{ ts: 110_000, total: 2 }]);
  c.since()[0]!.total = 99; // a copy
  expect(c.since()[0]!.total).toBe(1.5);
  c.clear();
  expect(c.since()).toEqual([]);
});

test("the curve keeps its newest points only", () => {
  const c = new PnlCurve(1_000, 3);
  for (let i = 0; i < 5; i++) c.sample(i * 1_000, i);
  expect(c.since().map((p) => p.total)).toEqual([2, 3, 4]);
});
