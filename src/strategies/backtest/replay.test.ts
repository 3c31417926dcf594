import { expect, test } from "bun:test";
import type { Candle } from "../../domain/events.ts";
import grid from "../kinds/grid.ts";
import stop from "../kinds/stop.ts";
import { pathOf, replay, ticksOf } from "./replay.ts";

const SPOT = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.001, lotSz: 0.001, tickSz: 0.1 };
const SWAP = { instId: "BTC-USDT-SWAP", instType: "SWAP", ctVal: 0.01, minSz: 1, lotSz: 1, tickSz: 0.1 };
const MIN = 60_000;
const bar = (i: number, o: number, h: number, l: number, c: number): Candle => ({
  instId: "BTC-USDT",
  bar: "1m",
  ts: 1_700_000_000_000 + i * MIN,
  o: String(o),
  h: String(h),
  l: String(l),
  c: String(c),
  vol: "1",
  volCcy: "1",
  confirmed: true,
});
const LIMITS = { maxPosition: 10, maxOrderNotional: 1_000_000, maxOrdersPerSecond: 50 };
const NO_FEES = { maker: 0, taker: 0 };

test("a bar is walked through its low first when it closed up, its high first when it closed down, each leg in steps", () => {
  expect(pathOf(bar(0, 100, 110, 90, 105))).toEqual([100, 90, 110, 105]);
  expect(pathOf(bar(0, 100, 110, 90, 95))).toEqual([100, 110, 90, 95]);
  // 100 -> 100.1 -> 99.9 -> 99.95: legs of 0.1, 0.2 and 0.1 in steps of at most 0.05% (0.05), on the 0.01 tick.
  const ticks = ticksOf(bar(0, 100, 100.1, 99.9, 99.95), MIN, 0.01);
  // (the last leg, 0.05 from 99.9, just over 0.05% of it: two steps, 99.925 on the tick 99.93)
  expect(ticks.map((x) => x.px)).toEqual([100, 100.05, 100.1, 100.05, 100, 99.95, 99.9, 99.93, 99.95]);
  expect(ticks.map((x) => x.t - ticks[0]!.t)).toEqual([0, 7500, 15000, 18750, 22500, 26250, 30000, 37500, 45000]);
  // A leg is walked in ten steps at most.
  expect(ticksOf(bar(0, 100, 200, 100, 200), MIN, 0.1)).toHaveLength(1 + 1 + 10 + 1);
});

test("a grid over a market that swings: its resting orders fill where the price reaches them, the PnL is the round trips", async () => {
  // Centre 100, one level 1% each side: a buy at 99, a sell at 101; the market swings 98-102 three times.
  const bars = [
    bar(0, 100, 100, 100, 100),
    bar(1, 100, 102, 98, 100),
    bar(2, 100, 102, 98, 100),
    bar(3, 100, 102, 98, 100),
  ];
  const r = await replay({
    kind: grid,
    params: grid.params.parse({ levels: 1, spacingPct: 1, size: 1, center: 100 }),
    rules: { ...SPOT, lotSz: 1, minSz: 1 },
    bars,
    barMs: MIN,
    fees: NO_FEES,
    limits: LIMITS,
  });
  expect(r.ended).toBeNull();
  expect(r.bars).toBe(4);
  expect(r.fillCount).toBe(12);
  expect(r.fills.every((f) => f.maker)).toBe(true);
  // Each swing: down through the buy at 99 (its counter, a sell at 100, rests), up through 100 and
  // the sell at 101 (its counter, a buy at 100), back to 100: two round trips of 1.
  expect(r.fills.map((f) => `${f.side} ${f.px}`)).toEqual(
    Array.from({ length: 3 }, () => ["buy 99", "sell 100", "sell 101", "buy 100"]).flat(),
  );
  expect(r.position.pos).toBe(0);
  expect(r.pnl.realized).toBe(6);
  expect(r.pnl.total).toBeCloseTo(r.pnl.realized + r.pnl.unrealized - r.pnl.fees, 6);
  expect(r.curve).toHaveLength(4);
  expect(r.curve.at(-1)!.total).toBe(r.pnl.total);
});

test("fees are charged, a taker's at the touch: a stop fired by a falling market sells at the bid with the taker fee", async () => {
  const bars = [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 94, 95)];
  const r = await replay({
    kind: stop,
    params: stop.params.parse({ side: "sell", size: 0.01, stopPx: 96, maxSlippagePct: 1 }),
    rules: SPOT,
    bars,
    barMs: MIN,
    fees: { maker: 0.0008, taker: 0.001 },
    limits: LIMITS,
  });
  // The path 100 -> 100 -> 94 -> 95, the fall in ten steps of 0.6: at 95.8 the stop is reached
  // (seven tenths into the bar's third quarter); its IOC crosses at the bid, 95.8.
  expect(r.fills).toEqual([
    { ts: bars[1]!.ts + MIN * 0.425, side: "sell", px: 95.8, sz: 0.01, fee: 0.000958, maker: false },
  ]);
  expect(r.ended).toBe("finished: stop 96: sold 0.01 BTC-USDT at 95.8 on average");
  expect(r.position.pos).toBe(-0.01); // the backtest holds nothing to start with: spot sold short
  expect(r.pnl.fees).toBeCloseTo(0.000958, 9);
});

test("a derivative's reduce-only stop with nothing held is refused, as on the exchange; limits refuse an order over them", async () => {
  const bars = [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 94, 95)];
  const r = await replay({
    kind: stop,
    params: stop.params.parse({ side: "sell", size: 1, stopPx: 96 }),
    rules: SWAP,
    bars,
    barMs: MIN,
    fees: NO_FEES,
    limits: LIMITS,
  });
  expect(r.orders.refused).toBeGreaterThan(0);
  expect(r.logs.some((l) => l.msg.includes("refused: reduce_only"))).toBe(true);
  const limited = await replay({
    kind: grid,
    params: grid.params.parse({ levels: 1, spacingPct: 1, size: 5, center: 100 }),
    rules: { ...SPOT, lotSz: 1, minSz: 1 },
    bars,
    barMs: MIN,
    fees: NO_FEES,
    limits: { ...LIMITS, maxPosition: 2 },
  });
  expect(limited.orders.placed).toBe(0);
  expect(limited.orders.refused).toBeGreaterThan(0);
});

test("a trailing stop on a position held at the start: it follows the rise and closes the position on the fall", async () => {
  // Long 2 contracts from the first open (100); the market rises to 120, then falls to 110.
  const bars = [bar(0, 100, 100, 100, 100), bar(1, 100, 120, 100, 120), bar(2, 120, 120, 110, 110)];
  const r = await replay({
    kind: stop,
    params: stop.params.parse({ side: "sell", size: 2, trailPct: 5, maxSlippagePct: 1 }),
    rules: SWAP,
    bars,
    barMs: MIN,
    fees: NO_FEES,
    limits: LIMITS,
    startPosition: 2,
  });
  // The stop trails 5% under the high of 120: 114; the fall to 110 is walked in steps of 1, and at
  // 114 it is reached and sells 2 at the bid.
  expect(r.ended).toBe("finished: stop 114: sold 2 BTC-USDT-SWAP at 114 on average");
  expect(r.fills).toMatchObject([{ side: "sell", px: 114, sz: 2, maker: false }]);
  expect(r.position.pos).toBe(0);
  expect(r.pnl.realized).toBeCloseTo(2 * (114 - 100) * 0.01, 9); // contracts x move x ctVal
  expect(r.params.stopPx).toBe(114); // the trail's stop, as the stop told it
});

test("a grid of more levels than its order rate lays them all (live, they wait their turn; bars of a minute do not see it)", async () => {
  const r = await replay({
    kind: grid,
    params: grid.params.parse({ levels: 15, spacingPct: 0.1, size: 1, center: 100 }),
    rules: { ...SPOT, lotSz: 1, minSz: 1 },
    bars: [bar(0, 100, 100, 100, 100)],
    barMs: MIN,
    fees: NO_FEES,
    limits: { ...LIMITS, maxPosition: 100, maxOrdersPerSecond: 10 },
  });
  expect(r.orders).toMatchObject({ placed: 30, refused: 0 });
});

test("a limit order with its TP/SL (a stop with an entry): the entry rests and fills, then its take profit sells what it bought", async () => {
  // Bars 100 -> 98 -> 104: the entry (a buy at 99) fills on the way down; the take profit at 103 on
  // the way up, the rise of 5.5 walked in ten steps of 0.55: reached at 103.45, sold at 103.5 (the tick).
  const bars = [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 98, 98.5), bar(2, 98.5, 104, 98.5, 104)];
  const r = await replay({
    kind: stop,
    params: stop.params.parse({ side: "sell", size: 1, entryPx: 99, stopPx: 97, takeProfitPx: 103 }),
    rules: SWAP,
    bars,
    barMs: MIN,
    fees: NO_FEES,
    limits: LIMITS,
  });
  expect(r.fills.map((f) => `${f.side} ${f.px} ${f.maker ? "maker" : "taker"}`)).toEqual([
    "buy 99 maker",
    "sell 103.5 taker",
  ]);
  expect(r.ended).toBe("finished: take profit 103: sold 1 BTC-USDT-SWAP at 103.5 on average");
  expect(r.params.entryPx).toBeUndefined(); // dropped once it filled, as live
  expect(r.pnl.realized).toBeCloseTo((103.5 - 99) * 0.01, 9);
});
