import { expect, test } from "bun:test";
import type { Position } from "../client/types.ts";
import { checkClose, closeOrder, closeShare } from "./close.ts";

const R = { tickSz: 0.1, lotSz: 1, minSz: 1 };
const long = { instId: "BTC-USDT-SWAP", posSide: "net", pos: "5", mgnMode: "cross" } as Position;
const short = { ...long, pos: "-5" } as Position;

test("the closing order: part of the position, reduce-only, at market or at a limit", () => {
  expect(closeOrder(long, { size: "2", type: "market", px: "43000" })).toEqual({
    instId: "BTC-USDT-SWAP",
    side: "sell",
    ordType: "market",
    sz: "2",
    tdMode: "cross",
    reduceOnly: true,
  });
  expect(closeOrder(short, { size: "5", type: "limit", px: "42000.5" })).toMatchObject({
    side: "buy",
    ordType: "limit",
    px: "42000.5",
    sz: "5",
    reduceOnly: true,
  });
});

test("checked first: a size on the lot and no more than held; a limit's price on the tick", () => {
  expect(checkClose({ size: "5", type: "market", px: "" }, 5, R)).toEqual({});
  expect(checkClose({ size: "6", type: "market", px: "" }, 5, R)).toEqual({ size: "more than the position holds (5)" });
  expect(checkClose({ size: "1.5", type: "market", px: "" }, 5, R)).toEqual({ size: "sz must be a multiple of 1" });
  expect(checkClose({ size: "", type: "limit", px: "" }, 5, R)).toEqual({ size: "required", px: "required" });
  expect(checkClose({ size: "2", type: "limit", px: "43000.05" }, 5, R)).toEqual({
    px: "px must be a multiple of 0.1",
  });
});

test("shares of the position, down to the lot; all of it exactly", () => {
  expect(closeShare(long, 0.5, R)).toBe("2");
  expect(closeShare(short, 0.75, R)).toBe("3");
  expect(closeShare(short, 1, R)).toBe("5");
  expect(closeShare(long, 0.1, R)).toBe(""); // under one lot
});
