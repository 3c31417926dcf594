import { expect, test } from "bun:test";
import { positionValue, returnOnMargin } from "./position-figures.ts";

test("a position's value at the mark and its return on margin (the exchange's, else on the margin taken at entry)", () => {
  // 3 contracts of 0.01 BTC at 43000 entry, 43500 mark, 10x: worth 1305, margin 129, uPnL 15 -> 11.63%.
  const p = { pos: "3", avgPx: "43000", markPx: "43500", upl: "15", lever: "10" };
  expect(positionValue(p, 0.01)).toBeCloseTo(1305, 9);
  expect(returnOnMargin(p, 0.01)).toBeCloseTo((15 / 129) * 100, 9);
  // A short counts its size; no leverage given is 1x; nothing priced yet is unknown.
  expect(positionValue({ pos: "-2", markPx: "100" }, 1)).toBe(200);
  expect(returnOnMargin({ pos: "-2", avgPx: "100", upl: "-4", lever: "" }, 1)).toBe(-2);
  expect(positionValue({ pos: "1", markPx: "" }, 1)).toBeNull();
  expect(returnOnMargin({ pos: "0", avgPx: "100", upl: "0", lever: "5" }, 1)).toBeNull();
  // The exchange's own ratio, where it gives one, comes first.
  expect(returnOnMargin({ ...p, uplRatio: "0.0123" }, 0.01)).toBeCloseTo(1.23, 9);
  expect(returnOnMargin({ ...p, uplRatio: "" }, 0.01)).toBeCloseTo((15 / 129) * 100, 9);
});
