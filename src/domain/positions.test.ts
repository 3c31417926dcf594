import { expect, test } from "bun:test";
import { closingOrder } from "./positions.ts";

test("the order that closes a position: the other side, all of it, reduce only (net) or on its side (long/short)", () => {
  const p = { instId: "X-USDT-SWAP" };
  expect(closingOrder({ ...p, posSide: "net", pos: "-2.5", mgnMode: "cross" })).toEqual({
    instId: "X-USDT-SWAP",
    side: "buy",
    ordType: "market",
    sz: "2.5",
    tdMode: "cross",
    reduceOnly: true,
  });
  expect(closingOrder({ ...p, posSide: "", pos: "3", mgnMode: "cross" })).toMatchObject({
    side: "sell",
    reduceOnly: true,
  });
  expect(closingOrder({ ...p, posSide: "long", pos: "4", mgnMode: "isolated" })).toEqual({
    instId: "X-USDT-SWAP",
    side: "sell",
    ordType: "market",
    sz: "4",
    tdMode: "isolated",
    posSide: "long",
  });
  expect(closingOrder({ ...p, posSide: "short", pos: "4", mgnMode: "cross" })).toMatchObject({
    side: "buy",
    posSide: "short",
  });
});
