// The books diff: changed and new levels, size 0 for levels that left, best first.
import { expect, test } from "bun:test";
import type { Level } from "../book.ts";
import { diff } from "./feed.ts";

test("bids (descending): new, changed, removed, unchanged", () => {
  const prev: Level[] = [
    [105, 1, 1],
    [104, 2, 1],
    [102, 3, 1],
  ];
  const next: Level[] = [
    [106, 5, 1],
    [104, 2, 1],
    [103, 1, 2],
    [102, 4, 1],
  ];
  expect(diff(prev, next, true)).toEqual([
    [106, 5, 1],
    [105, 0, 0],
    [103, 1, 2],
    [102, 4, 1],
  ]);
});

test("asks (ascending) and empty sides", () => {
  expect(diff([], [[1, 1, 1]], false)).toEqual([[1, 1, 1]]);
  expect(
    diff(
      [
        [1, 1, 1],
        [3, 1, 1],
      ],
      [[2, 1, 1]],
      false,
    ),
  ).toEqual([
    [1, 0, 0],
    [2, 1, 1],
    [3, 0, 0],
  ]);
  expect(diff([[1, 1, 1]], [[1, 1, 1]], false)).toEqual([]);
});
