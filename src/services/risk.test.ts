import { expect, test } from "bun:test";
import type { OrderRequest } from "../domain/orders.ts";
import { checkOrder, type RiskContext, type RiskLimits } from "./risk.ts";

const limits: RiskLimits = {
  instruments: new Set(["BTC-USDT", "BTC-USDT-SWAP"]),
  maxNotional: 10_000,
  maxOpenOrders: 3,
  ordersPerSecond: 5,
};
const spot = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 };
const swap = { instId: "BTC-USDT-SWAP", instType: "SWAP", ctVal: 0.01, minSz: 1, lotSz: 1, tickSz: 0.1 };
const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({
  killSwitch: false,
  openOrders: 0,
  userRate: 1,
  spec: spot,
  refPx: 40_000,
  ...over,
});
const order = (over: Partial<OrderRequest> = {}): OrderRequest => ({
  instId: "BTC-USDT",
  side: "buy",
  ordType: "limit",
  sz: "0.1",
  px: "40000",
  tdMode: "cash",
  clOrdId: "a",
  ...over,
});

test("an ordinary order passes", () => {
  expect(checkOrder(order(), limits, ctx())).toBeNull();
});

test("each rule refuses with a code and the field", () => {
  expect(checkOrder(order(), limits, ctx({ killSwitch: true }))?.code).toBe("kill_switch");
  expect(checkOrder(order({ instId: "ETH-USDT" }), limits, ctx())).toMatchObject({
    code: "instrument_not_allowed",
    field: "instId",
  });
  expect(checkOrder(order(), limits, ctx({ spec: undefined }))?.code).toBe("unknown_instrument");
  expect(checkOrder(order({ sz: "0.00001" }), limits, ctx())?.code).toBe("size_too_small");
  expect(checkOrder(order({ sz: "0.00015" }), limits, ctx())?.code).toBe("bad_lot");
  expect(checkOrder(order({ px: "40000.05" }), limits, ctx())?.code).toBe("bad_tick");
  expect(checkOrder(order({ sz: "1" }), limits, ctx())).toMatchObject({ code: "notional_too_large", field: "sz" });
  expect(checkOrder(order(), limits, ctx({ openOrders: 3 }))?.code).toBe("too_many_open_orders");
  expect(checkOrder(order(), limits, ctx({ userRate: 6 }))?.code).toBe("order_rate");
});

test("market orders are valued at the reference price; none means refusal", () => {
  const m = order({ ordType: "market", px: undefined, sz: "0.2" });
  expect(checkOrder(m, limits, ctx({ refPx: 40_000 }))).toBeNull();
  expect(checkOrder(m, limits, ctx({ refPx: 60_000 }))?.code).toBe("notional_too_large");
  expect(checkOrder(m, limits, ctx({ refPx: undefined }))?.code).toBe("no_price");
});

test("swap notional uses the contract value", () => {
  const o = order({ instId: "BTC-USDT-SWAP", sz: "20", tdMode: "cross" });
  expect(checkOrder(o, limits, ctx({ spec: swap }))).toBeNull(); // 20 * 0.01 * 40000 = 8000
  expect(checkOrder({ ...o, sz: "30" }, limits, ctx({ spec: swap }))?.code).toBe("notional_too_large");
});

test("a swap's reduce-only order is not held to the notional limit (it can only shrink a position); a spot one is", () => {
  const close = order({ instId: "BTC-USDT-SWAP", sz: "300", tdMode: "cross", side: "sell", reduceOnly: true });
  expect(checkOrder(close, limits, ctx({ spec: swap }))).toBeNull(); // 300 * 0.01 * 40000 = 120000
  expect(checkOrder({ ...close, reduceOnly: false }, limits, ctx({ spec: swap }))?.code).toBe("notional_too_large");
  expect(checkOrder(order({ sz: "1", reduceOnly: true }), limits, ctx())?.code).toBe("notional_too_large");
  // The other rules still hold.
  expect(checkOrder({ ...close, sz: "300.5" }, limits, ctx({ spec: swap }))?.code).toBe("bad_lot");
  expect(checkOrder(close, limits, ctx({ spec: swap, killSwitch: true }))?.code).toBe("kill_switch");
});
