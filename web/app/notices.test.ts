import { expect, test } from "bun:test";
import { anOrder } from "../../tests/fixtures/order.ts";
import type { Fill, Order } from "../client/types.ts";
import { Notices, SHOW_MS } from "./notices.ts";

const digits = () => ({ px: 1, sz: 4 });
const fill = (ordId: string, tradeId: string, over: Partial<Fill> = {}): Fill => ({
  ordId,
  clOrdId: `tw${ordId}`,
  instId: "BTC-USDT",
  tradeId,
  side: "buy",
  fillPx: "100",
  fillSz: "1",
  fee: "0",
  feeCcy: "USDT",
  execType: "T",
  ts: 0,
  ...over,
});
const order = (ordId: string, over: Partial<Order>): Order =>
  anOrder(ordId, { clOrdId: `tw${ordId}`, px: "90", sz: "2", ...over }) as Order;
const texts = (n: Notices) => n.list.value.map((t) => `${t.title}: ${t.text}`);

test("a person's fills: one toast per order, its fills added up at their average price", () => {
  const n = new Notices(digits);
  n.fill(fill("1", "a"));
  expect(texts(n)).toEqual(["Bought: 1.0000 BTC-USDT at 100.0"]);
  n.fill(fill("1", "b", { fillPx: "103", fillSz: "0.5" }));
  expect(texts(n)).toEqual(["Bought: 1.5000 BTC-USDT at 101.0 on average, 2 fills"]);
  n.fill(fill("1", "b", { fillPx: "103", fillSz: "0.5" })); // the same fill again (a resumed stream)
  expect(texts(n)).toEqual(["Bought: 1.5000 BTC-USDT at 101.0 on average, 2 fills"]);
  n.fill(fill("2", "c", { side: "sell" }));
  expect(texts(n)).toEqual(["Sold: 1.0000 BTC-USDT at 100.0", "Bought: 1.5000 BTC-USDT at 101.0 on average, 2 fills"]);
  expect(n.list.value.map((t) => t.tone)).toEqual(["sell", "buy"]);
  // A swap's closing fills: what they realized, added up.
  n.fill(fill("3", "d", { instId: "BTC-USDT-SWAP", side: "sell", fillPnl: "-1.5" }));
  n.fill(fill("3", "e", { instId: "BTC-USDT-SWAP", side: "sell", fillPnl: "-1" }));
  expect(texts(n)[0]).toBe("Sold: 2.0000 BTC-USDT-SWAP at 100.0 on average, 2 fills, PnL -2.50");
});

test("a strategy's fills: one toast for the strategy, linked to its page", () => {
  const n = new Notices(digits);
  const clOrdId = "s0123456789x1";
  n.fill(fill("7", "a", { clOrdId }));
  n.fill(fill("8", "b", { clOrdId, side: "sell", fillPx: "101" }));
  expect(texts(n)).toEqual(["Strategy 0123456789: 2 fills, the last sell 1.0000 BTC-USDT at 101.0"]);
  expect(n.list.value[0]!.href).toBe("/strategies/0123456789");
  expect(n.knowsStrategy("0123456789")).toBe(false);
  n.nameStrategy("0123456789", "grid-btc"); // once its name is known, the toast says it
  expect(texts(n)).toEqual(["Strategy grid-btc: 2 fills, the last sell 1.0000 BTC-USDT at 101.0"]);
  n.fill(fill("9", "c", { clOrdId }));
  expect(n.list.value[0]!.title).toBe("Strategy grid-btc");
  n.order(order("7", { clOrdId, state: "canceled" })); // a strategy's cancels are routine
  expect(n.list.value.length).toBe(1);
});

test("a person's cancel and rejection are told once; other states are not", () => {
  const n = new Notices(digits);
  n.order(order("3", { state: "live" }));
  n.order(order("3", { state: "partially_filled", accFillSz: "0.5" }));
  expect(n.list.value).toEqual([]);
  n.order(order("3", { state: "canceled", accFillSz: "0.5" }));
  n.order(order("3", { state: "canceled", accFillSz: "0.5" }));
  n.order(order("4", { state: "rejected", ordType: "market", px: "" }));
  expect(texts(n)).toEqual([
    "Rejected: buy 2.0000 BTC-USDT at market",
    "Canceled: buy 2.0000 BTC-USDT at 90.0, 0.5000 filled",
  ]);
  expect(n.list.value.map((t) => t.tone)).toEqual(["error", "info"]);
});

test("toasts leave when their time is up (a rejection later), when dismissed, and beyond four", () => {
  let now = 0;
  const n = new Notices(digits, () => now);
  n.fill(fill("1", "a"));
  n.order(order("2", { state: "rejected" }));
  now = SHOW_MS.told;
  expect(n.sweep()).toBe(true);
  expect(texts(n)).toEqual(["Rejected: buy 2.0000 BTC-USDT at 90.0"]);
  n.dismiss("order:2");
  expect(n.sweep()).toBe(false);
  // A new fill of an order whose toast left starts over.
  n.fill(fill("1", "c"));
  expect(texts(n)).toEqual(["Bought: 1.0000 BTC-USDT at 100.0"]);
  for (const id of ["5", "6", "7", "8"]) n.fill(fill(id, id));
  expect(n.list.value.map((t) => t.key)).toEqual(["fill:8", "fill:7", "fill:6", "fill:5"]);
});

test("a price alert that fired says where the price went and where it is, in the tick's decimals, and shows longer", () => {
  let now = 0;
  const n = new Notices(digits, () => now);
  n.alert({ id: "a1", instId: "BTC-USDT", price: 45_000, up: true }, "45000.3");
  n.alert({ id: "a2", instId: "BTC-USDT", price: 41_000, up: false }, 40999);
  expect(texts(n)).toEqual([
    "Price alert: BTC-USDT fell to 41000.0 (last 40999.0)",
    "Price alert: BTC-USDT rose to 45000.0 (last 45000.3)",
  ]);
  expect(n.list.value.map((t) => t.tone)).toEqual(["alert", "alert"]);
  now = SHOW_MS.told;
  n.sweep();
  expect(n.list.value).toHaveLength(2);
  now = SHOW_MS.alert;
  n.sweep();
  expect(n.list.value).toHaveLength(0);
});

test("a strategy of the user's stopping without them, or failing, is told with its reason; their own stop is not", () => {
  const n = new Notices(digits);
  const s = (state: string, reason: string | null) =>
    ({ id: "k3v9x0a1bq", name: "grid-btc", kind: "grid", owner: "tina", state, reason }) as never;
  n.strategyState(s("running", null), "starting", "tina");
  n.strategyState(s("stopped", "stopped by tina"), "running", "tina");
  expect(texts(n)).toEqual([]);
  n.strategyState(s("stopped", "finished: completed: 0.003 BTC-USDT bought"), "running", "tina");
  expect(texts(n)).toEqual(["Strategy grid-btc: stopped: finished: completed: 0.003 BTC-USDT bought"]);
  expect(n.list.value[0]).toMatchObject({ tone: "info", href: "/strategies/k3v9x0a1bq" });
  n.strategyState(s("error", "the strategy's code threw: boom"), "running", "tina");
  expect(texts(n)).toEqual(["Strategy grid-btc: failed: the strategy's code threw: boom"]); // one toast per strategy
  expect(n.list.value[0]!.tone).toBe("error");
  n.strategyState(s("stopped", "stopped by kill switch"), "error", "tina"); // cleaning up after the error
  n.strategyState(s("stopped", "stopped by kill switch"), "stopped", "tina"); // no change
  expect(texts(n)).toEqual(["Strategy grid-btc: failed: the strategy's code threw: boom"]);
});

test("what was told stays in the history, newest first, one entry per toast's key, counted until read", () => {
  let now = 1_000;
  const n = new Notices(digits, () => now);
  n.fill(fill("1", "a"));
  now = 2_000;
  n.order(order("2", { state: "canceled" }));
  now = 3_000;
  n.fill(fill("1", "b")); // the same order's toast: its entry moves up with the sum
  expect(n.history.value.map((t) => [t.at, `${t.title}: ${t.text}`])).toEqual([
    [3_000, "Bought: 2.0000 BTC-USDT at 100.0 on average, 2 fills"],
    [2_000, "Canceled: buy 2.0000 BTC-USDT at 90.0"],
  ]);
  expect(n.unread.value).toBe(3);
  // Toasts go; the history stays.
  now = 100_000;
  n.sweep();
  expect(n.list.value).toEqual([]);
  expect(n.history.value).toHaveLength(2);
  n.markRead();
  expect(n.unread.value).toBe(0);
  for (let i = 0; i < 60; i++) n.order(order(`c${i}`, { state: "canceled" }));
  expect(n.history.value).toHaveLength(50);
  expect(n.history.value[0]!.key).toBe("order:c59");
  n.clearHistory();
  expect([n.history.value, n.unread.value]).toEqual([[], 0]);
});
