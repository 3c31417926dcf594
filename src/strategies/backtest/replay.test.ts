import { expect, test } from "bun:test";
import type { Candle } from "../../domain/events.ts";
import grid from "../kinds/grid.ts";
import stop from "../kinds/stop.ts";
import { pathOf, replay } from "./replay.ts";

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

test("a bar is walked through its low first when it closed up, its high first when it closed down", () => {
  expect(pathOf(bar(0, 100, 110, 90, 105))).toEqual([100, 90, 110, 105]);
  expect(pathOf(bar(0, 100, 110, 90, 95))).toEqual([100, 110, 90, 95]);
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
  // The path 100 -> 100 -> 94 -> 95: at 94 the stop is reached; its IOC crosses at the bid, 94.
  expect(r.fills).toEqual([{ ts: bars[1]!.ts + MIN / 2, side: "sell", px: 94, sz: 0.01, fee: 0.00094, maker: false }]);
  expect(r.ended).toBe("finished: stop 96: sold 0.01 BTC-USDT at 94 on average");
  expect(r.position.pos).toBe(-0.01); // the backtest holds nothing to start with: spot sold short
  expect(r.pnl.fees).toBeCloseTo(0.00094, 9);
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
