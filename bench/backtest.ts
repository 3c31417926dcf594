// bench/backtest.ts - how fast a backtest replays (src/strategies/backtest/replay.ts, in this
// process, as its thread does): a week of minute bars of a random walk (seeded), each built-in
// kind with typical params, --runs times; reports ms per run (p50, max), bars and ticks a second,
// and the orders and fills it handled. The service answers POST /api/backtests in about this
// plus fetching the bars; it runs one at a time for at most 30 s.
//   bun bench/backtest.ts [--bars 10080] [--runs 5]
import type { Candle } from "../src/domain/events.ts";
import { replay, ticksOf } from "../src/strategies/backtest/replay.ts";
import type { Kind } from "../src/strategies/kind.ts";
import grid from "../src/strategies/kinds/grid.ts";
import stop from "../src/strategies/kinds/stop.ts";
import twap from "../src/strategies/kinds/twap.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const BARS = arg("--bars", 10_080);
const RUNS = arg("--runs", 5);
const MIN = 60_000;
const RULES = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.00001, lotSz: 0.00000001, tickSz: 0.1 };

/** A seeded random walk around 43,000 (about 0.05% a minute), as minute bars. */
function walk(n: number): Candle[] {
  let seed = 42;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
  let px = 43_000;
  const start = Date.UTC(2026, 11, 1);
  const out: Candle[] = [];
  for (let i = 0; i < n; i++) {
    const o = px;
    const path = [o];
    for (let k = 0; k < 6; k++) path.push((px *= 1 + rnd() * 0.0008));
    const r = (v: number) => (Math.round(v * 10) / 10).toFixed(1);
    out.push({
      instId: RULES.instId,
      bar: "1m",
      ts: start + i * MIN,
      o: r(o),
      h: r(Math.max(...path)),
      l: r(Math.min(...path)),
      c: r(px),
      vol: "1",
      volCcy: "1",
      confirmed: true,
    });
  }
  return out;
}

const CASES: Array<{ kind: Kind; params: Record<string, unknown>; startPosition?: number }> = [
  { kind: grid, params: { levels: 5, spacingPct: 0.05, size: 0.01 } },
  { kind: twap, params: { side: "buy", quantity: 1, durationSec: BARS * 60, intervalMs: 60_000 } },
  { kind: stop, params: { side: "sell", size: 0.01, trailPct: 2 }, startPosition: 0.01 },
];

const bars = walk(BARS);
const ticks = bars.reduce((a, b) => a + ticksOf(b, MIN, RULES.tickSz).length, 0);
console.log(`bench/backtest.ts: ${BARS} minute bars (${ticks} ticks), ${RUNS} runs per kind, bun ${Bun.version}`);
for (const c of CASES) {
  const ms: number[] = [];
  let last: Awaited<ReturnType<typeof replay>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = await replay({
      kind: c.kind,
      params: c.kind.params.parse(c.params) as Record<string, unknown>,
      rules: RULES,
      bars,
      barMs: MIN,
      fees: { maker: 0.0008, taker: 0.001 },
      limits: { maxPosition: 10, maxOrderNotional: 1_000_000, maxOrdersPerSecond: 50 },
      ...(c.startPosition ? { startPosition: c.startPosition } : {}),
    });
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const p50 = ms[Math.floor(ms.length / 2)]!;
  console.log(
    `  ${c.kind.name.padEnd(5)} p50 ${p50.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms; ` +
      `${((BARS / p50) * 1000).toFixed(0)} bars/s, ${((ticks / p50) * 1000).toFixed(0)} ticks/s; ` +
      `orders ${last!.orders.placed}, fills ${last!.fillCount}${last!.ended ? `, ended: ${last!.ended.slice(0, 60)}` : ""}`,
  );
}
