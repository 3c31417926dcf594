import { expect, test } from "bun:test";
import { OrderAmend, OrderChange, OrderRef, OrderRequest } from "./orders.ts";

const limit = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "40000" };
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

test("an order request: numbers become exact strings, tdMode defaults to cash, clOrdId stays optional", () => {
  expect(OrderRequest.parse({ ...limit, sz: 0.01 })).toEqual({ ...limit, sz: "0.01", tdMode: "cash" } as never);
  expect(
    OrderRequest.parse({ ...limit, clOrdId: "abc1", tdMode: "cross", posSide: "long", reduceOnly: true }),
  ).toMatchObject({ clOrdId: "abc1", tdMode: "cross" });
});

test("an order request: px is required for limit orders and refused for market orders; unknown fields are refused", () => {
  expect(issues(OrderRequest.safeParse({ ...limit, px: undefined }))).toEqual(["px: required for limit orders"]);
  expect(issues(OrderRequest.safeParse({ ...limit, ordType: "market" }))).toEqual([
    "px: not allowed for market orders",
  ]);
  expect(OrderRequest.safeParse({ ...limit, ordType: "market", px: undefined }).success).toBe(true);
  expect(issues(OrderRequest.safeParse({ ...limit, sz: "-1" }))[0]).toStartWith("sz: a positive decimal");
  expect(issues(OrderRequest.safeParse({ ...limit, sz: "0" }))[0]).toStartWith("sz: a positive decimal");
  expect(issues(OrderRequest.safeParse({ ...limit, instId: "btc usdt" }))[0]).toStartWith(
    "instId: an OKX instrument id",
  );
  expect(issues(OrderRequest.safeParse({ ...limit, clOrdId: "has space" }))[0]).toStartWith("clOrdId: 1-32 letters");
  expect(OrderRequest.safeParse({ ...limit, leverage: 5 }).success).toBe(false);
});

test("a reference names its order by ordId or clOrdId", () => {
  expect(OrderRef.parse({ instId: "BTC-USDT", ordId: "123" })).toEqual({ instId: "BTC-USDT", ordId: "123" });
  expect(OrderRef.parse({ instId: "BTC-USDT", clOrdId: "a1" })).toEqual({ instId: "BTC-USDT", clOrdId: "a1" });
  expect(issues(OrderRef.safeParse({ instId: "BTC-USDT" }))).toEqual(["ordId: ordId or clOrdId is required"]);
  expect(OrderRef.safeParse({ instId: "BTC-USDT", ordId: "abc" }).success).toBe(false);
});

test("an amend changes size or price of one order", () => {
  expect(OrderChange.parse({ newPx: 41000 })).toEqual({ newPx: "41000" });
  expect(issues(OrderChange.safeParse({}))).toEqual(["newSz: newSz or newPx is required"]);
  expect(OrderAmend.parse({ instId: "BTC-USDT", ordId: "1", newSz: "0.02" })).toEqual({
    instId: "BTC-USDT",
    ordId: "1",
    newSz: "0.02",
  });
  expect(issues(OrderAmend.safeParse({ instId: "BTC-USDT", newSz: "0.02" }))).toEqual([
    "ordId: ordId or clOrdId is required",
  ]);
  expect(issues(OrderAmend.safeParse({ instId: "BTC-USDT", ordId: "1" }))).toEqual([
    "newSz: newSz or newPx is required",
  ]);
});
