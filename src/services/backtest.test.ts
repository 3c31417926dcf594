import { expect, test } from "bun:test";
import { Busy, ValidationFailed } from "../domain/errors.ts";
import type { Candle } from "../domain/events.ts";
import grid from "../strategies/kinds/grid.ts";
import { BacktestService } from "./backtest.ts";

const SPEC = { instId: "BTC-USDT", instType: "SPOT", ctVal: 1, minSz: 0.001, lotSz: 0.001, tickSz: 0.1 };
const T0 = Date.UTC(2026, 11, 7);
const bar = (i: number, o: string, confirmed = true): Candle => ({
  instId: "BTC-USDT",
  bar: "1m",
  ts: T0 + i * 60_000,
  o,
  h: String(Number(o) + 10),
  l: String(Math.max(Number(o) - 10, 0)),
  c: o,
  vol: "1",
  volCcy: "1",
  confirmed,
});

const service = (rows: Candle[], slow = 0) =>
  new BacktestService({
    kind: (n) => (n === "grid" ? grid : undefined),
    kindNames: () => ["grid"],
    tradable: new Set(["BTC-USDT"]),
    instrument: () => SPEC,
    candles: {
      query: async () => {
        await Bun.sleep(slow);
        return { data: [...rows].reverse() as unknown as Record<string, unknown>[], next: null };
      },
    },
  });
const input = { kind: "grid", instruments: ["BTC-USDT"], params: { size: 0.01 }, from: T0, to: T0 + 3_600_000 };

test("bars still open, or without four prices above 0, are not walked; the rest oldest first", async () => {
  const r = await service([bar(0, "43000"), bar(1, "0"), bar(2, "43010"), bar(3, "43020", false)]).run(input);
  expect(r.bars).toBe(2);
  expect([r.from, r.to]).toEqual([T0, T0 + 3 * 60_000]);
});

test("one at a time; a period with no bars is refused on from", async () => {
  const s = service([bar(0, "43000")], 200);
  const first = s.run(input);
  await expect(s.run(input)).rejects.toBeInstanceOf(Busy);
  expect((await first).bars).toBe(1);
  const none = await service([])
    .run(input)
    .catch((e: unknown) => e);
  expect(none).toBeInstanceOf(ValidationFailed);
  expect((none as ValidationFailed).details).toEqual([
    { field: "from", message: "no 1m bars of BTC-USDT between from and to" },
  ]);
});
