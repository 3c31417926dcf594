import { expect, test } from "bun:test";
import type { Book } from "../../client/types.ts";
import { bookFrame } from "./frame.ts";
import { bookHeight, lineAt, lineTop, ROW_PX, SPREAD_PX } from "./geometry.ts";

const book = (asks: [string, string][], bids: [string, string][]): Book =>
  ({
    instId: "BTC-USDT",
    asks: asks.map(([px, sz]) => [px, sz, 1]),
    bids: bids.map(([px, sz]) => [px, sz, 1]),
    ts: 1,
    seqId: 1,
  }) as unknown as Book;

test("a frame: asks from the worst down to the best, bids from the best down, totals and bars from the larger side", () => {
  const f = bookFrame(
    book(
      [
        ["101", "1"],
        ["102", "2"],
        ["103", "4"],
      ],
      [
        ["100", "1"],
        ["99", "1"],
      ],
    ),
    3,
  );
  expect(f.asks.map((l) => l?.px)).toEqual(["103", "102", "101"]);
  expect(f.asks.map((l) => l?.total)).toEqual(["7", "3", "1"]);
  expect(f.asks.map((l) => l?.depth)).toEqual([1, 3 / 7, 1 / 7]);
  expect(f.bids.map((l) => l?.px ?? null)).toEqual(["100", "99", null]); // a missing level stays a blank line
  expect(f.bids[1]?.depth).toBe(2 / 7);
  expect(f.spread).toBe("1");
  expect(f.bp).toBe(" (99.50 bp)");
});

test("a frame deeper than the book: blank lines away from the spread; one side empty: no spread", () => {
  const f = bookFrame(book([["10", "1"]], []), 2);
  expect(f.asks).toEqual([null, { px: "10", sz: "1", total: "1", depth: 1 }]);
  expect(f.bids).toEqual([null, null]);
  expect(f.spread).toBe("–");
  expect(f.bp).toBe("");
});

test("with the instrument's digits: prices in the tick's decimals, sizes and totals in the lot's", () => {
  const f = bookFrame(
    book(
      [
        ["43042", "0.5"],
        ["43042.1", "0.25"],
      ],
      [["43041.9", "1"]],
    ),
    2,
    { px: 1, sz: 4 },
  );
  expect(f.asks).toEqual([
    { px: "43042.1", sz: "0.2500", total: "0.7500", depth: 0.75 },
    { px: "43042.0", sz: "0.5000", total: "0.5000", depth: 0.5 },
  ]);
  expect(f.bids[0]).toEqual({ px: "43041.9", sz: "1.0000", total: "1.0000", depth: 1 });
  expect(f.spread).toBe("0.1");
});

test("the canvas's lines: a point maps to the line drawn there, the spread's row to none", () => {
  const depth = 4;
  expect(bookHeight(depth)).toBe(8 * ROW_PX + SPREAD_PX);
  for (const side of ["ask", "bid"] as const)
    for (let i = 0; i < depth; i++) {
      const top = lineTop(side, i, depth);
      expect(lineAt(top, depth)).toEqual({ side, i });
      expect(lineAt(top + ROW_PX - 0.5, depth)).toEqual({ side, i });
    }
  expect(lineAt(depth * ROW_PX + 1, depth)).toBeNull();
  expect(lineAt(-1, depth)).toBeNull();
  expect(lineAt(bookHeight(depth), depth)).toBeNull();
});

test("the user's own open orders are marked on their lines, by side and price, in the lot's decimals", () => {
  const b = book(
    [
      ["101", "1"],
      ["102", "2"],
    ],
    [
      ["100", "1"],
      ["99", "1"],
    ],
  );
  const mine = { asks: new Map([[102, 0.5]]), bids: new Map([[99, 0.25]]) };
  const f = bookFrame(b, 2, { px: 1, sz: 3 }, mine);
  expect(f.asks.map((l) => l?.mine)).toEqual(["0.500", undefined]); // 102 (the worst ask) is on top
  expect(f.bids.map((l) => l?.mine)).toEqual([undefined, "0.250"]);
  // A buy at an ask's price is not marked there (it is not resting among the asks).
  expect(bookFrame(b, 2, undefined, { asks: new Map(), bids: new Map([[101, 1]]) }).asks.every((l) => !l?.mine)).toBe(
    true,
  );
});
