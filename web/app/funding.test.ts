import { expect, test } from "bun:test";
import { fmtCountdown, fmtFundingRate, fundingPayment } from "./funding.ts";

test("the rate is a signed percent with four decimals", () => {
  expect(fmtFundingRate("0.0001")).toBe("0.0100%");
  expect(fmtFundingRate("-0.00025")).toBe("-0.0250%");
  expect(fmtFundingRate("0.0001875391284828")).toBe("0.0188%");
  expect(fmtFundingRate("-0.0000001")).toBe("0.0000%");
  expect(fmtFundingRate("")).toBe("–");
  expect(fmtFundingRate(undefined)).toBe("–");
  expect(fmtFundingRate("x")).toBe("–");
});

test("the countdown is h:mm:ss, and zero once the time is past", () => {
  const now = 1_700_000_000_000;
  expect(fmtCountdown(now + (3 * 3600 + 7 * 60 + 5) * 1000 + 400, now)).toBe("3:07:05");
  expect(fmtCountdown(now + 59_999, now)).toBe("0:00:59");
  expect(fmtCountdown(now - 5_000, now)).toBe("0:00:00");
  expect(fmtCountdown(now + 8 * 3600 * 1000, now)).toBe("8:00:00");
});

test("a long pays and a short receives when the rate is positive, the other way round when negative", () => {
  expect(fundingPayment(2, 0.01, 43000, 0.0001)).toBeCloseTo(-0.086, 12);
  expect(fundingPayment(-2, 0.01, 43000, 0.0001)).toBeCloseTo(0.086, 12);
  expect(fundingPayment(3, 0.1, 2300, -0.0005)).toBeCloseTo(0.345, 12);
  expect(fundingPayment(0, 0.01, 43000, 0.0001)).toBe(0);
  expect(Object.is(fundingPayment(2, 0.01, 43000, 0), 0)).toBe(true);
});
