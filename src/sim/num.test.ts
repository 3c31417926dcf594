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

test("units to string agrees with the plain-string reference on random values", () => {
  const reference = (units: number, decimals: number): string => {
    const neg = units < 0;
    let s = Math.abs(units).toString();
    if (decimals > 0) {
      s = s.padStart(decimals + 1, "0");
      s = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`.replace(/\.?0+$/, "");
    }
    return neg && s !== "0" ? `-${s}` : s;
  };
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20000; i++) {
    const mag = 10 ** Math.floor(rnd() * 12);
    const units = Math.round((rnd() - 0.3) * mag) * (rnd() < 0.3 ? 1000 : 1);
    const decimals = Math.floor(rnd() * 10);
    expect(unitsToStr(units, decimals)).toBe(reference(units, decimals));
  }
});
