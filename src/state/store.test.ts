// StateStore.count: kept with the entries, so the per-order risk check needs no scan.
import { expect, test } from "bun:test";
import { textEvent } from "../../tests/fixtures/bus-event.ts";
import { StateStore } from "./store.ts";

let seq = 0;
const ev = (type: string, channel: string, data: Record<string, unknown>) => textEvent(++seq, type, channel, data);
const order = (ordId: string, state: string) => ev("order", "orders", { ordId, state, instId: "BTC-USDT" });

test("count follows orders that open, change, close and come back, and entries restored from an earlier run", () => {
  const s = new StateStore();
  expect(s.count("order")).toBe(0);
  s.apply([order("1", "live"), order("2", "live"), order("1", "partially_filled")]);
  expect(s.count("order")).toBe(2);
  s.apply([order("1", "filled"), order("3", "canceled")]); // a close of an order never seen counts nothing
  expect(s.count("order")).toBe(1);
  s.apply([order("1", "filled")]);
  expect(s.count("order")).toBe(1);
  s.apply([
    ev("ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "1" }),
    ev("ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "2" }),
  ]);
  expect(s.count("ticker")).toBe(1);
  expect(s.count("order")).toBe(1);
  const n = s.restore([
    { key: "order:2", channel: "orders", type: "order", text: "{}" }, // this run already has it
    { key: "order:9", channel: "orders", type: "order", text: JSON.stringify({ data: { ordId: "9", state: "live" } }) },
  ]);
  expect(n).toBe(1);
  expect(s.count("order")).toBe(2);
  expect(s.count("order")).toBe(s.list("order").length);
  s.apply([order("9", "canceled"), order("2", "canceled")]);
  expect(s.count("order")).toBe(0);
  expect(s.list("order")).toEqual([]);
});
