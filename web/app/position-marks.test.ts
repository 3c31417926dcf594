import { expect, test } from "bun:test";
import type { Position } from "../client/types.ts";
import { guardMarks, positionMarks } from "./position-marks.ts";

const pos = (over: Partial<Position>): Position => ({
  instId: "BTC-USDT-SWAP",
  instType: "SWAP",
  posId: "1",
  posSide: "net",
  pos: "3",
  avgPx: "43000.5",
  upl: "0",
  uplRatio: "",
  lever: "3",
  mgnMode: "cross",
  markPx: "43001",
  liqPx: "",
  uTime: 0,
  ...over,
});

test("a position's entry line says its side and size; its liquidation price has a line when given", () => {
  expect(positionMarks(pos({}))).toEqual([{ kind: "entry", price: 43000.5, title: "Long 3" }]);
  expect(positionMarks(pos({ pos: "-2", liqPx: "51000" }))).toEqual([
    { kind: "entry", price: 43000.5, title: "Short 2" },
    { kind: "liq", price: 51000, title: "Liq." },
  ]);
  // Long/short mode: the side is the position's, its size is positive either way.
  expect(positionMarks(pos({ posSide: "short", pos: "4" }))[0]!.title).toBe("Short 4");
  expect(positionMarks(pos({ posSide: "long", pos: "4" }))[0]!.title).toBe("Long 4");
  // Nothing to draw for a closed position or one without a price.
  expect(positionMarks(pos({ pos: "0" }))).toEqual([]);
  expect(positionMarks(pos({ avgPx: "" }))).toEqual([]);
});

test("a stop strategy's lines: its stop loss and take profit, labelled with its size", () => {
  expect(guardMarks({ id: "a", instId: "X", side: "sell", size: 3, stopPx: 42000, takeProfitPx: 45000 })).toEqual([
    { kind: "sl", price: 42000, title: "SL 3" },
    { kind: "tp", price: 45000, title: "TP 3" },
  ]);
  expect(guardMarks({ id: "b", instId: "X", side: "sell", size: 0.5, takeProfitPx: 45000 })).toEqual([
    { kind: "tp", price: 45000, title: "TP 0.5" },
  ]);
  expect(guardMarks({ id: "c", instId: "X", side: "sell", size: 2, stopPx: 42000, trailPct: 1 })).toEqual([
    { kind: "sl", price: 42000, title: "SL 2 trail 1%" },
  ]);
});
