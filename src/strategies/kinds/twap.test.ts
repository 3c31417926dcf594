import { expect, test } from "bun:test";
import type { Fill, Order } from "../../domain/events.ts";
import { RecordingContext } from "./recording-context.ts";
import twap, { childSize, iocPrice, type TwapLogic } from "./twap.ts";

const BTC = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.001, lotSz: 0.001, tickSz: 0.1 };
const fill = (clOrdId: string, sz: string): Fill => ({
  ordId: "1",
  clOrdId,
  instId: "BTC-USDT",
  tradeId: "1",
  side: "buy",
  fillPx: "40000",
  fillSz: sz,
  fee: "0",
  feeCcy: "USDT",
  execType: "T",
  ts: 0,
});
const ended = (clOrdId: string, state: Order["state"]) => ({ clOrdId, state }) as Order;
const start = (params: Record<string, unknown>) => {
  const ctx = new RecordingContext(["BTC-USDT"], { "BTC-USDT": BTC });
  const logic = twap.create(ctx, twap.params.parse(params)) as TwapLogic;
  ctx.setTicker("BTC-USDT", 39999.9, 40000.1);
  logic.onStart();
  return { ctx, logic };
};

test("child size follows the schedule, less filled and in flight, on the lot", () => {
  const base = { quantity: 1, filled: 0, inflight: 0, durationMs: 10_000, rules: BTC };
  expect(childSize({ ...base, elapsedMs: 1_000 })).toBeCloseTo(0.1, 9);
  expect(childSize({ ...base, elapsedMs: 5_000, filled: 0.3, inflight: 0.1 })).toBeCloseTo(0.1, 9);
  expect(childSize({ ...base, elapsedMs: 20_000, filled: 0.95 })).toBeCloseTo(0.05, 9);
  expect(childSize({ ...base, elapsedMs: 5, filled: 0 })).toBe(0); // 0.0005 < minSz
  expect(childSize({ ...base, elapsedMs: 3_000, filled: 0.4 })).toBe(0); // ahead of schedule
});

test("IOC price crosses by the slippage at most, within the price limit", () => {
  expect(iocPrice("buy", 40000, 0.1, 0.1)).toBeCloseTo(40040, 6);
  expect(iocPrice("sell", 40000, 0.1, 0.1)).toBeCloseTo(39960, 6);
  expect(iocPrice("buy", 40000, 0.1, 0.1, 40010)).toBeCloseTo(40010, 6);
  expect(iocPrice("buy", 40000, 0.1, 0.1, 39990)).toBeNull(); // the limit is under the ask: wait
  expect(iocPrice("sell", 40000, 0, 0.1, 40000)).toBeCloseTo(40000, 6);
  expect(iocPrice("sell", 0, 0.1, 0.1)).toBeNull();
});

test("slices over time, catches up what did not fill, and finishes when done", () => {
  const { ctx, logic } = start({ side: "buy", quantity: 0.01, durationSec: 10, intervalMs: 1000, maxSlippagePct: 0.1 });
  expect(ctx.timers.map((t) => t.ms)).toEqual([1000]);
  ctx.clock += 2000;
  logic.slice();
  expect(ctx.placed.map((o) => `${o.side} ${o.sz} ${o.px} ${o.ordType}`)).toEqual(["buy 0.002 40040.1 ioc"]);
  logic.slice(); // in flight: nothing more is due yet
  expect(ctx.placed).toHaveLength(1);
  logic.onFill(fill(ctx.placed[0]!.clOrdId, "0.001"));
  logic.onOrder(ended(ctx.placed[0]!.clOrdId, "canceled")); // IOC: half filled, the rest canceled
  ctx.clock += 8000; // at the end: everything left is due
  logic.slice();
  expect(ctx.placed.at(-1)!.sz).toBe("0.009");
  logic.onFill(fill(ctx.placed.at(-1)!.clOrdId, "0.009"));
  logic.onOrder(ended(ctx.placed.at(-1)!.clOrdId, "filled"));
  expect(logic.progress().filled).toBeCloseTo(0.01, 12);
  expect(logic.progress().inflight).toBe(0);
  logic.slice();
  expect(ctx.finished).toBe("completed: 0.01 BTC-USDT bought");
});

test("gives up after the overrun intervals with what is unfilled; live params take effect", () => {
  const { ctx, logic } = start({
    side: "sell",
    quantity: 0.005,
    durationSec: 1,
    intervalMs: 100,
    overrunIntervals: 2,
    priceLimit: 50000,
  });
  ctx.clock += 1000;
  logic.slice();
  expect(ctx.placed).toHaveLength(0); // 39999.9 is under the sell limit
  logic.onParams({ maxSlippagePct: 0.2, priceLimit: undefined });
  logic.slice();
  expect(ctx.placed.at(-1)).toMatchObject({ side: "sell", sz: "0.005", px: "39920.0" });
  logic.onOrder(ended(ctx.placed.at(-1)!.clOrdId, "canceled"));
  ctx.clock += 300;
  logic.slice();
  expect(ctx.finished).toBe("ended with 0.005 of 0.005 unfilled");
});

test("a refused slice is no longer in flight", async () => {
  const { ctx, logic } = start({ side: "buy", quantity: 0.01, durationSec: 10, intervalMs: 1000 });
  ctx.answer = (_o, clOrdId) => ({ ok: false, clOrdId, code: "risk_rejected", message: "kill_switch" });
  ctx.clock += 5000;
  logic.slice();
  await Bun.sleep(0);
  expect(logic.progress().inflight).toBe(0);
  expect(ctx.logs.at(-1)).toContain("refused: risk_rejected kill_switch");
});

test("an order's end before its fill (as the exchange's pushes come): what it filled stays in flight until the fill tells it", () => {
  const { ctx, logic } = start({ side: "buy", quantity: 0.01, durationSec: 10, intervalMs: 1000, maxSlippagePct: 0.1 });
  ctx.clock += 10_000; // at the end: all of it is due
  logic.slice();
  const first = ctx.placed[0]!.clOrdId;
  expect(ctx.placed[0]!.sz).toBe("0.010");
  logic.onOrder({ clOrdId: first, state: "filled", accFillSz: "0.01" } as Order);
  expect(logic.progress()).toEqual({ filled: 0, inflight: 0.01 });
  logic.slice(); // the fill not yet told: nothing more is sent
  expect(ctx.placed).toHaveLength(1);
  logic.onFill(fill(first, "0.01"));
  expect(logic.progress()).toEqual({ filled: 0.01, inflight: 0 });
  logic.slice();
  expect(ctx.finished).toBe("completed: 0.01 BTC-USDT bought");
});
