import { expect, test } from "bun:test";
import type { Fill, Order } from "../domain/events.ts";
import { Ledger } from "./ledger.ts";

let trade = 0;
const fill = (side: "buy" | "sell", sz: string, px: string, extra: Partial<Fill> = {}): Fill => ({
  ordId: "1",
  clOrdId: "sabc",
  instId: "BTC-USDT",
  tradeId: String(++trade),
  side,
  fillPx: px,
  fillSz: sz,
  fee: "0",
  feeCcy: "USDT",
  execType: "M",
  ts: 0,
  ...extra,
});
const order = (clOrdId: string, side: "buy" | "sell", state: Order["state"], sz = "1", acc = "0"): Order =>
  ({ ordId: `o-${clOrdId}`, clOrdId, instId: "BTC-USDT", side, px: "100", sz, state, accFillSz: acc }) as Order;

test("average cost: adds average in, reductions realize against the average, a flip reopens at the fill price", () => {
  const l = new Ledger(null);
  l.applyFill(fill("buy", "1", "100"));
  l.applyFill(fill("buy", "1", "110"));
  expect(l.report(() => 120).positions[0]).toMatchObject({
    pos: 2,
    avgPx: 105,
    realizedPnl: 0,
    unrealizedPnl: 30,
    fills: 2,
    volume: 210,
  });
  l.applyFill(fill("sell", "0.5", "115"));
  expect(l.report(() => 115).pnl).toEqual({ realized: 5, unrealized: 15, fees: 0, total: 20 });
  l.applyFill(fill("sell", "2.5", "100")); // closes 1.5 at -5 each, opens a 1 short at 100
  const r = l.report(() => 90);
  expect(r.positions[0]).toMatchObject({ pos: -1, avgPx: 100, realizedPnl: -2.5 });
  expect(r.pnl.unrealized).toBe(10);
  l.applyFill(fill("buy", "1", "95"));
  expect(l.report(() => 90).positions[0]).toMatchObject({ pos: 0, avgPx: 0, realizedPnl: 2.5, unrealizedPnl: 0 });
});

test("fees in quote currency; a base-currency fee is valued at the fill price; contract value scales swaps", () => {
  const l = new Ledger(null, (i) => (i.endsWith("-SWAP") ? 0.01 : 1));
  l.applyFill(fill("buy", "0.1", "40000", { fee: "-0.0001", feeCcy: "BTC" }));
  l.applyFill(fill("sell", "0.1", "40100", { fee: "-4.01", feeCcy: "USDT" }));
  const pnl = l.report(() => undefined).pnl;
  expect(pnl.realized).toBeCloseTo(10, 9);
  expect(pnl.fees).toBeCloseTo(8.01, 9); // 0.0001 BTC at 40000 + 4.01 USDT
  expect(pnl.total).toBeCloseTo(1.99, 9);
  l.applyFill(fill("buy", "10", "40000", { instId: "BTC-USDT-SWAP" }));
  const swap = l.report(() => 40100).positions.find((p) => p.instId === "BTC-USDT-SWAP")!;
  expect(swap.unrealizedPnl).toBeCloseTo(10, 9); // 10 contracts x 0.01 BTC x 100
});

test("a fill seen twice counts once; bad numbers are ignored", () => {
  const l = new Ledger(null);
  const f = fill("buy", "1", "100");
  expect(l.applyFill(f)).toBe(true);
  expect(l.applyFill(f)).toBe(false);
  expect(l.applyFill(fill("buy", "0", "100"))).toBe(false);
  expect(l.applyFill(fill("buy", "x", "100"))).toBe(false);
  expect(l.position("BTC-USDT")).toBe(1);
});

test("open orders: reserved until confirmed or refused, closed ones never come back; exposure counts the rest", () => {
  const l = new Ledger(null);
  l.applyFill(fill("buy", "1", "100"));
  l.reserve({ clOrdId: "a", instId: "BTC-USDT", side: "buy", px: "99", sz: "2" });
  l.reserve({ clOrdId: "b", instId: "BTC-USDT", side: "sell", px: "101", sz: "0.5" });
  expect(l.exposure("BTC-USDT", "buy")).toBe(3);
  expect(l.exposure("BTC-USDT", "sell")).toBe(0.5);
  l.acknowledged("a", "777");
  expect(l.openOrders().find((o) => o.clOrdId === "a")!.ordId).toBe("777");
  l.release("b");
  l.applyOrder(order("a", "buy", "partially_filled", "2", "1.5"));
  expect(l.exposure("BTC-USDT", "buy")).toBe(1.5);
  l.release("a"); // confirmed orders are not released
  expect(l.openOrders().map((o) => o.clOrdId)).toEqual(["a"]);
  l.applyOrder(order("a", "buy", "filled", "2", "2"));
  l.applyOrder(order("a", "buy", "live", "2")); // a late duplicate
  expect(l.openOrders()).toEqual([]);
});

test("a snapshot restores position and PnL", () => {
  const l = new Ledger(null);
  l.applyFill(fill("buy", "2", "100"));
  l.applyFill(fill("sell", "1", "110"));
  const again = new Ledger(JSON.parse(JSON.stringify(l.snapshot())));
  expect(again.report(() => 100)).toEqual(l.report(() => 100));
  again.applyFill(fill("sell", "1", "120"));
  expect(again.report(() => 100).pnl.realized).toBe(30);
});
