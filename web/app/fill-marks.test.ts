import { expect, test } from "bun:test";
import type { Fill } from "../client/types.ts";
import { atOrAfter, fillMarks, LABEL_GAP_BARS } from "./fill-marks.ts";

const M = 60_000;
const fill = (minute: number, side: Fill["side"], sz: string, tradeId = `${minute}${side}${sz}`): Fill => ({
  ordId: "1",
  clOrdId: "",
  instId: "BTC-USDT",
  tradeId,
  side,
  fillPx: "100",
  fillSz: sz,
  fee: "0",
  feeCcy: "USDT",
  execType: "T",
  ts: minute * M + 5_000,
});

test("one mark per bar and side, its fills added up and counted", () => {
  const marks = fillMarks([fill(10, "buy", "0.01"), fill(10, "buy", "0.02"), fill(10, "sell", "0.5")], M);
  expect(marks.map((m) => [m.time / M, m.side, m.text])).toEqual([
    [10, "buy", "B 0.03 ×2"],
    [10, "sell", "S 0.5"],
  ]);
});

test("a mark's text only where it has room: the newest first, then each far enough before the last written on its side", () => {
  const minutes = [0, 3, 9, 14, 20];
  const marks = fillMarks(
    minutes.map((m) => fill(m, "buy", "1")),
    M,
  );
  // 20 written; 14 is 6 bars before it: not; 9 is 11 before 20: written; 3 is 6 before 9: not; 0 is 9 bars before 9: written.
  expect(marks.map((m) => [m.time / M, m.text])).toEqual([
    [0, "B 1"],
    [3, ""],
    [9, "B 1"],
    [14, ""],
    [20, "B 1"],
  ]);
  expect(LABEL_GAP_BARS).toBe(8);
  // The sides do not crowd each other: a sell next to a buy keeps its text.
  const both = fillMarks([fill(20, "buy", "1"), fill(19, "sell", "2")], M);
  expect(both.map((m) => m.text)).toEqual(["S 2", "B 1"]);
});

test("a fill is marked on the first point at or after it; after them all, on the last", () => {
  const points = [{ ts: 60 }, { ts: 120 }, { ts: 180 }];
  expect([0, 60, 61, 120, 150, 180, 999].map((ts) => atOrAfter(points, ts))).toEqual([60, 60, 120, 120, 180, 180, 180]);
  expect(atOrAfter([], 5)).toBe(5);
  // Marks on those points: one per point and side, their sizes added up.
  const marks = fillMarks(
    [
      { ts: 61, side: "buy", fillSz: "1" },
      { ts: 100, side: "buy", fillSz: "2" },
      { ts: 130, side: "sell", fillSz: "1" },
    ],
    60,
    (ts) => atOrAfter(points, ts),
  );
  expect(marks.map((m) => [m.time, m.side, m.sz, m.n])).toEqual([
    [120, "buy", 3, 2],
    [180, "sell", 1, 1],
  ]);
});
