import { expect, test } from "bun:test";
import { ClockOffset } from "./clock.ts";

test("the midpoint of the shortest round trip is the estimate", () => {
  const c = new ClockOffset(() => 0);
  expect(c.offset).toBe(0);
  c.roundTrip(1000, 1500 + 100, 1010); // rtt 10, mid offset 595
  c.roundTrip(2000, 2600 + 1, 2002); // rtt 2, mid offset 600
  expect(c.rtt).toBe(2);
  expect(c.offset).toBe(600);
});

test("one-way stamps are a lower bound the estimate never goes under", () => {
  const c = new ClockOffset(() => 0);
  c.roundTrip(1000, 1600, 1010); // mid 595, upper bound 600
  c.oneWay(2599, 2000); // offset >= 599
  expect(c.offset).toBe(599);
  c.oneWay(3700, 3000); // 700 is above the sample's upper bound: the clock moved
  expect(c.offset).toBe(700);
});

test("without a round trip the lower bound is the estimate; old bounds leave the window", () => {
  const c = new ClockOffset(() => 0);
  c.oneWay(1005, 1000);
  expect(c.offset).toBe(5);
  c.oneWay(61_002, 61_000); // a new window; the previous one still counts
  expect(c.offset).toBe(5);
  c.oneWay(122_001, 122_000); // two windows later the first bound is gone
  expect(c.offset).toBe(2);
});
