import { expect, test } from "bun:test";
import { dayStart, RealizedDay, settlementCcy } from "./realized.ts";

test("a fill's PnL is in the quote currency, a coin-margined (USD) contract's in its coin", () => {
  expect(settlementCcy("BTC-USDT-SWAP")).toBe("USDT");
  expect(settlementCcy("BTC-USD-SWAP")).toBe("BTC");
  expect(settlementCcy("ETH-USDC")).toBe("USDC");
});

test("the day's realized PnL: by currency, each fill once, from local midnight; a new day starts again", () => {
  const noon = new Date(2026, 11, 8, 12, 0, 0).getTime();
  const day = new RealizedDay(noon);
  expect(day.since).toBe(dayStart(noon));
  const fill = (tradeId: string, instId: string, fillPnl: string | null, ts = noon) => ({
    ordId: "1",
    tradeId,
    instId,
    fillPnl,
    ts,
  });
  expect(day.add([fill("a", "BTC-USDT-SWAP", "2.5"), fill("b", "BTC-USDT-SWAP", "-1")], noon)).toBe(true);
  expect(day.add([fill("a", "BTC-USDT-SWAP", "2.5")], noon)).toBe(false); // seen: counted once
  expect(day.add([fill("c", "BTC-USDT", "0"), fill("d", "BTC-USDT", null)], noon)).toBe(false); // spot: nothing
  expect(day.add([fill("e", "BTC-USDT-SWAP", "9", day.since - 1)], noon)).toBe(false); // yesterday's
  day.add([fill("f", "BTC-USD-SWAP", "0.0001")], noon);
  expect(day.sums()).toEqual([
    ["USDT", 1.5],
    ["BTC", 0.0001],
  ]);
  const tomorrow = noon + 86_400_000;
  expect(day.add([], tomorrow)).toBe(true);
  expect(day.sums()).toEqual([]);
});
