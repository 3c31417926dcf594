import { expect, test } from "bun:test";
import { Trail } from "./trail.ts";

test("a sell's trail: the stop rises with the high on the tick grid (rounded down), never falls", () => {
  const t = new Trail("sell", 1, 0.1);
  expect(t.follow(40000, undefined)).toBe(39600);
  expect(t.follow(40100.05, 39600)).toBe(39699); // 40100.05 x 0.99 = 39699.0495 -> 39699.0
  expect(t.follow(39800, 39699)).toBe(39699); // the price falls back: the stop stays
  expect(t.follow(40000, 39699)).toBe(39699); // under the high: still no move
  expect(t.follow(41000, 39699)).toBe(40590);
  expect(t.follow(41000, 40800)).toBe(40800); // a stop already above the trail is kept
});

test("a buy's trail: the stop falls with the low (rounded up), never rises", () => {
  const t = new Trail("buy", 2, 0.5);
  expect(t.follow(100, undefined)).toBe(102);
  expect(t.follow(99.1, 102)).toBe(101.5); // 99.1 x 1.02 = 101.082 -> 101.5
  expect(t.follow(100.5, 101.5)).toBe(101.5);
  expect(t.follow(90, 101.5)).toBe(92);
});

test("no price, no move", () => {
  const t = new Trail("sell", 1, 0.1);
  expect(t.follow(Number.NaN, 100)).toBe(100);
  expect(t.follow(0, undefined)).toBeUndefined();
});
