import { expect, test } from "bun:test";
import { anOrder } from "../../../tests/fixtures/order.ts";
import { OpenOrders, reconcile } from "./open-orders.ts";

test("open orders are remembered; final states are forgotten", () => {
  const o = new OpenOrders();
  o.note(anOrder("1"));
  o.note(anOrder("2"));
  o.note(anOrder("2", { state: "filled", uTime: 2 }));
  expect([...o.known.keys()]).toEqual(["1"]);
});

test("reconcile: new and changed pending orders are news; vanished ones are to be fetched; stale REST rows are not news", () => {
  const o = new OpenOrders();
  o.note(anOrder("same"));
  o.note(anOrder("filled-more"));
  o.note(anOrder("gone"));
  o.note(anOrder("newer-push", { uTime: 50, accFillSz: "0.5", state: "partially_filled" }));
  const r = reconcile(o.known, [
    anOrder("same"),
    anOrder("filled-more", { state: "partially_filled", accFillSz: "0.3", uTime: 5 }),
    anOrder("new"),
    anOrder("newer-push", { uTime: 40 }),
  ]);
  expect(r.changed.map((x) => x.ordId)).toEqual(["filled-more", "new"]);
  expect(r.gone).toEqual([{ ordId: "gone", instId: "BTC-USDT" }]);
});
