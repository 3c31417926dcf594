import { expect, test } from "bun:test";
import type { Order } from "../../domain/events.ts";
import { OpenOrders, reconcile } from "./open-orders.ts";

const order = (ordId: string, over: Partial<Order> = {}): Order => ({
  ordId,
  clOrdId: "",
  instId: "BTC-USDT",
  instType: "SPOT",
  side: "buy",
  ordType: "limit",
  tdMode: "cash",
  posSide: "",
  px: "100",
  sz: "1",
  state: "live",
  accFillSz: "0",
  avgPx: "",
  fillPx: "",
  fillSz: "",
  fillTime: null,
  tradeId: "",
  execType: "",
  fee: "0",
  feeCcy: "USDT",
  reduceOnly: false,
  cTime: 1,
  uTime: 1,
  ...over,
});

test("open orders are remembered; final states are forgotten", () => {
  const o = new OpenOrders();
  o.note(order("1"));
  o.note(order("2"));
  o.note(order("2", { state: "filled", uTime: 2 }));
  expect([...o.known.keys()]).toEqual(["1"]);
});

test("reconcile: new and changed pending orders are news; vanished ones are to be fetched; stale REST rows are not news", () => {
  const o = new OpenOrders();
  o.note(order("same"));
  o.note(order("filled-more"));
  o.note(order("gone"));
  o.note(order("newer-push", { uTime: 50, accFillSz: "0.5", state: "partially_filled" }));
  const r = reconcile(o.known, [
    order("same"),
    order("filled-more", { state: "partially_filled", accFillSz: "0.3", uTime: 5 }),
    order("new"),
    order("newer-push", { uTime: 40 }),
  ]);
  expect(r.changed.map((x) => x.ordId)).toEqual(["filled-more", "new"]);
  expect(r.gone).toEqual([{ ordId: "gone", instId: "BTC-USDT" }]);
});
