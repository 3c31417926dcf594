import { expect, test } from "bun:test";
import {
  checkPx,
  checkSz,
  contractsForShare,
  fmtStep,
  onStep,
  sizeForShare,
  stepBy,
  stepDecimals,
  toTick,
} from "./rules.ts";

const btc = { tickSz: 0.1, lotSz: 1e-8, minSz: 0.00001 };
const swap = { tickSz: 0.25, lotSz: 1, minSz: 1 };

test("steps as plain decimals", () => {
  expect([0.1, 1e-8, 0.25, 5, 0.01, 0.0005].map(stepDecimals)).toEqual([1, 8, 2, 0, 2, 4]);
  expect(fmtStep(1e-8)).toBe("0.00000001");
  expect(fmtStep(0.25)).toBe("0.25");
  expect(onStep(43000.3, 0.1)).toBe(true);
  expect(onStep(43000.35, 0.1)).toBe(false);
  expect(onStep(3, 0)).toBe(true);
});

test("prices and sizes checked with the server's words", () => {
  expect(checkPx("43000.1", btc)).toBeNull();
  expect(checkPx("", btc)).toBeNull();
  expect(checkPx("43000.05", btc)).toBe("px must be a multiple of 0.1");
  expect(checkPx("1e3", btc)).toBe("a positive decimal");
  expect(checkPx("0", btc)).toBe("a positive decimal");
  expect(checkPx("10.3", swap)).toBe("px must be a multiple of 0.25");
  expect(checkSz("0.00001", btc)).toBeNull();
  expect(checkSz("0.000001", btc)).toBe("sz below the minimum 0.00001");
  expect(checkSz("0.123456789", btc)).toBe("sz must be a multiple of 0.00000001");
  expect(checkSz("1.5", swap)).toBe("sz must be a multiple of 1");
  expect(checkSz("-1", swap)).toBe("a positive decimal");
});

test("stepping by ticks and lots stays on the grid", () => {
  expect(stepBy("43000.1", 0.1, 1)).toBe("43000.2");
  expect(stepBy("43000.14", 0.1, 0)).toBe("43000.1");
  expect(stepBy("0.3", 0.1, -1)).toBe("0.2");
  expect(stepBy("0.1", 0.1, -5)).toBe("0.1");
  expect(stepBy("", 0.1, 1, 0.1, "43000.1")).toBe("43000.2");
  expect(stepBy("", 1e-8, 1, 0.00001)).toBe("0.00001000");
  expect(stepBy("2", 1, 1, 1)).toBe("3");
  expect(stepBy("x", 1, 1)).toBe("x");
});

test("a share of what is available as a size on the lot grid: a buy at a price, a sell of the base", () => {
  expect(sizeForShare(0.5, "buy", 100_000, 43000, btc)).toBe("1.16279069"); // 50,000 USDT / 43,000, down to the lot
  expect(sizeForShare(1, "sell", 1.2, 43000, btc)).toBe("1.20000000");
  expect(sizeForShare(0.25, "sell", 1.2, 0, btc)).toBe("0.30000000"); // a sell needs no price
  expect(sizeForShare(0.25, "buy", 100, 43000, btc)).toBe("0.00058139");
  expect(sizeForShare(0.25, "buy", 0.01, 43000, btc)).toBe("0.00000005"); // under the minimum: the field says so
  expect(sizeForShare(1, "buy", 100_000, 0, btc)).toBe(""); // no price to buy at
  expect(sizeForShare(1, "sell", 0, 43000, btc)).toBe("");
  expect(sizeForShare(0.5, "sell", 7, 10, swap)).toBe("3");
});

test("toTick rounds a price to the nearest tick in the tick's decimals", () => {
  expect(toTick(43012.34, 0.1)).toBe("43012.3");
  expect(toTick(43012.36, 0.1)).toBe("43012.4");
  expect(toTick(0.123456789, 0.0001)).toBe("0.1235");
  expect(toTick(107, 5)).toBe("105");
});

test("a share of what is available as a swap's margin: contracts at the leverage, 1% kept for fees, on the lot grid", () => {
  const btcSwap = { tickSz: 0.1, lotSz: 0.01, minSz: 0.01 };
  // 100% of 10,000 USDT at 10x is 100,000 of value: 100,000 / (43,000 x 0.01) / 1.01 = 230.25 contracts.
  expect(contractsForShare(1, 10_000, 10, 43_000, 0.01, btcSwap)).toBe("230.25");
  expect(contractsForShare(0.5, 10_000, 20, 43_000, 0.01, btcSwap)).toBe("230.25");
  expect(contractsForShare(0.25, 10_000, 1, 43_000, 0.01, btcSwap)).toBe("5.75");
  expect(contractsForShare(1, 10_000, 10, 0, 0.01, btcSwap)).toBe(""); // no price yet
  expect(contractsForShare(1, 0, 10, 43_000, 0.01, btcSwap)).toBe("");
});
