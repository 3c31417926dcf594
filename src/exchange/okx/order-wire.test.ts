import { expect, test } from "bun:test";
import { amendArgs, okxTradeOp, orderAck, placeArgs, refArgs } from "./order-wire.ts";

test("an order request becomes OKX's arguments; spot market orders are sized in base currency", () => {
  expect(
    placeArgs({
      instId: "BTC-USDT",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px: "40000",
      tdMode: "cash",
      clOrdId: "a1",
    }),
  ).toEqual({
    instId: "BTC-USDT",
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.01",
    clOrdId: "a1",
    px: "40000",
  });
  expect(placeArgs({ instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.01", tdMode: "cash" })).toEqual({
    instId: "BTC-USDT",
    tdMode: "cash",
    side: "buy",
    ordType: "market",
    sz: "0.01",
    tgtCcy: "base_ccy",
  });
  expect(
    placeArgs({
      instId: "BTC-USDT-SWAP",
      side: "sell",
      ordType: "market",
      sz: "1",
      tdMode: "cross",
      posSide: "net",
      reduceOnly: true,
    }),
  ).toEqual({
    instId: "BTC-USDT-SWAP",
    tdMode: "cross",
    side: "sell",
    ordType: "market",
    sz: "1",
    posSide: "net",
    reduceOnly: true,
  });
});

test("references and amends carry only what was given", () => {
  expect(refArgs({ instId: "BTC-USDT", ordId: "1", clOrdId: undefined })).toEqual({ instId: "BTC-USDT", ordId: "1" });
  expect(amendArgs({ instId: "BTC-USDT", clOrdId: "a1", newPx: "1" })).toEqual({
    instId: "BTC-USDT",
    clOrdId: "a1",
    newPx: "1",
  });
  expect(okxTradeOp({ op: "cancel-order", args: { instId: "BTC-USDT", ordId: "9" } })).toEqual({
    op: "cancel-order",
    args: { instId: "BTC-USDT", ordId: "9" },
  });
});

test("OKX's per-order result becomes an OrderAck, whatever fields it lacks", () => {
  expect(orderAck({ ordId: "1", clOrdId: "a1", sCode: "0", sMsg: "Order placed", ts: "1", tag: "" })).toEqual({
    ordId: "1",
    clOrdId: "a1",
    code: "0",
    message: "Order placed",
  });
  expect(orderAck({ sCode: "51008" })).toEqual({ ordId: "", clOrdId: "", code: "51008", message: "" });
});
