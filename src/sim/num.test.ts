// Exact decimal conversions used for every price and size on the wire.
import { expect, test } from "bun:test";
import { decimalsOf, fmt, strToUnits, unitsToStr } from "./num.ts";

test("units to string trims trailing zeros", () => {
  expect(unitsToStr(430001, 1)).toBe("43000.1");
  expect(unitsToStr(430000, 1)).toBe("43000");
  expect(unitsToStr(1, 8)).toBe("0.00000001");
  expect(unitsToStr(0, 2)).toBe("0");
  expect(unitsToStr(-150, 2)).toBe("-1.5");
  expect(unitsToStr(12, 0)).toBe("12");
});

test("string to units rejects off-grid and malformed values", () => {
  expect(strToUnits("43000.1", 1)).toBe(430001);
  expect(strToUnits("0.01", 2)).toBe(1);
  expect(strToUnits("0.015", 2)).toBeUndefined();
  expect(strToUnits("1.50", 1)).toBe(15);
  expect(strToUnits("-1", 2)).toBeUndefined();
  expect(strToUnits("abc", 2)).toBeUndefined();
  expect(strToUnits(".5", 1)).toBe(5);
});

test("decimals and float formatting", () => {
  expect(decimalsOf("0.00000001")).toBe(8);
  expect(decimalsOf("1")).toBe(0);
  expect(fmt(-0.0000000001)).toBe("0");
  expect(fmt(1.23456789123)).toBe("1.23456789");
  expect(fmt(100)).toBe("100");
});
