import { expect, test } from "bun:test";
import { digitsOf, fmtDateTime, fmtFee, fmtPx, fmtQty, fmtRealized, fmtSz, fmtWhen, padDecimals } from "./format.ts";

test("an instrument's digits are its tick's and its lot's decimals", () => {
  expect(digitsOf({ tickSz: 0.1, lotSz: 1e-8 })).toEqual({ px: 1, sz: 8 });
  expect(digitsOf({ tickSz: 0.25, lotSz: 1 })).toEqual({ px: 2, sz: 0 });
  expect(digitsOf(undefined)).toBeUndefined();
});

test("a price gets its tick's decimals: zeros added, the exchange's digits never rounded away", () => {
  expect(fmtPx("43042", 1)).toBe("43042.0");
  expect(fmtPx("43042.3", 1)).toBe("43042.3");
  expect(fmtPx("0.5", 4)).toBe("0.5000");
  expect(fmtPx("43042.25", 1)).toBe("43042.25"); // more digits than the tick: kept, not rounded
  expect(fmtPx("100", 0)).toBe("100");
  expect(fmtPx("1e-7", 8)).toBe("0.00000010");
  expect(fmtPx("43042", undefined)).toBe("43042"); // digits unknown yet: as the exchange sent it
  expect(fmtPx(undefined, 1)).toBe("–");
  expect(fmtPx("", 1)).toBe("–");
  expect(fmtPx(43005, 1)).toBe("43005.0"); // a computed price
  expect(fmtPx(43005.41234567, 1)).toBe("43005.41235");
});

test("a size gets its lot's decimals, a sum of sizes too; big ones are short", () => {
  expect(fmtSz("0.339798", 8)).toBe("0.33979800");
  expect(fmtSz(0.1 + 0.2, 8)).toBe("0.30000000");
  expect(fmtSz("12", 0)).toBe("12");
  expect(fmtSz("250000", 8)).toBe("250.0k");
  expect(fmtSz("0.339798", undefined)).toBe("0.339798");
  expect(fmtSz("abc", 8)).toBe("–");
  expect(fmtSz(undefined, 8)).toBe("–");
});

test("padding keeps the sign and whole numbers", () => {
  expect(padDecimals("-3", 2)).toBe("-3.00");
  expect(padDecimals("7.", 2)).toBe("7.00");
});

test("big numbers are short, in at most six characters: a list's column fits them", () => {
  expect(fmtQty(1_234_567)).toBe("1.23M");
  expect(fmtQty("19910000")).toBe("19.91M");
  expect(fmtQty(644_380_000)).toBe("644.4M");
  expect(fmtQty(2_345_678_901)).toBe("2.35B");
  expect(fmtQty(-644_380_000)).toBe("-644.4M");
  expect(fmtQty(123_456)).toBe("123.5k");
  expect(fmtQty(12.345678912)).toBe("12.345679");
  expect(fmtQty("x")).toBe("–");
});

test("a date and time, local, with ms", () => {
  const ms = new Date(2026, 11, 7, 9, 3, 7, 25).getTime();
  expect(fmtDateTime(ms)).toBe("2026-12-07 09:03:07.025");
  expect(fmtDateTime(null)).toBe("–");
});

test("fmtWhen: the time of day today, the day and time before, the year in another year", () => {
  const now = new Date(2026, 11, 7, 15, 0, 0).getTime();
  expect(fmtWhen(new Date(2026, 11, 7, 9, 5, 3, 42).getTime(), now)).toBe("09:05:03.042");
  expect(fmtWhen(new Date(2026, 11, 6, 23, 59, 58, 999).getTime(), now)).toBe("12-06 23:59:58");
  expect(fmtWhen(new Date(2025, 11, 7, 9, 0, 0).getTime(), now)).toBe("2025-12-07 09:00:00"); // a year ago is not today
  expect(fmtWhen(new Date(2026, 0, 1, 0, 0, 0).getTime(), now)).toBe("01-01 00:00:00");
  expect(fmtWhen(null, now)).toBe("–");
});

test("a fill's realized PnL: signed, 2 decimals (4 under 1); none for an opening fill's 0 or when not given", () => {
  expect(fmtRealized("12.3")).toBe("+12.30");
  expect(fmtRealized("-1234.567")).toBe("-1234.57");
  expect(fmtRealized("-0.456")).toBe("-0.4560");
  expect(fmtRealized("0.0015")).toBe("+0.0015");
  expect(fmtRealized("0")).toBe("");
  expect(fmtRealized("")).toBe("");
  expect(fmtRealized(null)).toBe("");
  expect(fmtRealized(undefined)).toBe("");
});

test("a fee in its currency's decimals: 4 for a dollar, 8 for a coin; none when not given", () => {
  expect(fmtFee("-0.2149115", "USDT")).toBe("-0.2149");
  expect(fmtFee("-0.644844", "USDC")).toBe("-0.6448");
  expect(fmtFee("-0.0000008", "BTC")).toBe("-0.00000080");
  expect(fmtFee("0", "ETH")).toBe("0.00000000");
  expect(fmtFee("", "USDT")).toBe("");
  expect(fmtFee(null, "USDT")).toBe("");
});
