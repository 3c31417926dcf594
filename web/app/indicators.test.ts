import { expect, test } from "bun:test";
import { bollinger, ema, INDICATORS, sma } from "./indicators.ts";

const near = (xs: Array<number | null>) => xs.map((x) => (x === null ? null : Math.round(x * 1e6) / 1e6));

test("sma: the mean of the last n, null before n bars", () => {
  expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
  expect(sma([1, 2], 3)).toEqual([null, null]);
});

test("ema: started from the first n's mean, then weighted 2/(n+1)", () => {
  // n = 3: a = 0.5; starts at mean(2, 4, 6) = 4, then 0.5 * 10 + 0.5 * 4 = 7, then 0.5 * 0 + 0.5 * 7 = 3.5.
  expect(ema([2, 4, 6, 10, 0], 3)).toEqual([null, null, 4, 7, 3.5]);
  expect(ema([1, 2], 3)).toEqual([null, null]);
});

test("bollinger: the mean and k population deviations either side", () => {
  // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, population deviation 2.
  const b = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2);
  expect([b.mid.at(-1), b.upper.at(-1), b.lower.at(-1)]).toEqual([5, 9, 1]);
  expect(b.upper.slice(0, 7)).toEqual([null, null, null, null, null, null, null]);
  // A flat series has bands on its mean.
  expect(near(bollinger([3, 3, 3], 2, 2).upper)).toEqual([null, 3, 3]);
});

test("each indicator draws its lines over the closes, one value per bar", () => {
  const closes = Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 5));
  for (const ind of Object.values(INDICATORS))
    for (const line of ind.lines(closes)) {
      expect(line.values).toHaveLength(60);
      expect(line.values.at(-1)).toBeNumber();
    }
  expect(INDICATORS.bb20.lines(closes).map((l) => l.name)).toEqual(["BB up", "BB mid", "BB low"]);
});
