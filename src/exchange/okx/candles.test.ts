// fetchCandles against the simulator's REST: OKX's bar names, UTC-aligned days, paging past one
// request, and an instrument the exchange does not list.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Simulator, startSimulator } from "../../sim/index.ts";
import { fetchCandles, okxBar } from "./candles.ts";
import { OkxError } from "./errors.ts";
import { OkxRest } from "./rest.ts";

let sim: Simulator;
let rest: OkxRest;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3, instruments: ["BTC-USDT"], tickMs: 100, candleMs: 0 });
  rest = new OkxRest({ baseUrl: sim.url, credentials: null });
});
afterAll(() => sim.stop());

test("okxBar: OKX's names, days and 6 hours and up aligned to UTC", () => {
  expect([60, 300, 1800, 3600, 14_400, 21_600, 43_200, 86_400].map(okxBar)).toEqual([
    "1m",
    "5m",
    "30m",
    "1H",
    "4H",
    "6Hutc",
    "12Hutc",
    "1Dutc",
  ]);
  expect(okxBar(90)).toBeUndefined();
});

test("the newest bars first, one minute apart, only an open one unconfirmed; more than one request's worth", async () => {
  const bars = await fetchCandles(rest, { instId: "BTC-USDT", barSeconds: 60, limit: 450 });
  expect(bars.length).toBe(450);
  expect(bars.slice(1).every((b, i) => bars[i]!.ts - b.ts === 60_000)).toBe(true);
  expect(bars[0]!.confirmed).toBe(bars[0]!.ts + 60_000 <= Date.now());
  expect(bars.slice(1).every((b) => b.confirmed)).toBe(true);
  expect(bars.every((b) => Number(b.l) <= Number(b.o) && Number(b.o) <= Number(b.h))).toBe(true);
  // From a cursor: bars that open before it.
  const older = await fetchCandles(rest, { instId: "BTC-USDT", barSeconds: 60, before: bars[9]!.ts, limit: 5 });
  expect(older.map((b) => b.ts)).toEqual(bars.slice(10, 15).map((b) => b.ts));
});

test("days start at midnight UTC", async () => {
  const days = await fetchCandles(rest, { instId: "BTC-USDT", barSeconds: 86_400, limit: 2 });
  expect(days.length).toBeGreaterThan(0);
  for (const d of days) expect(d.ts % 86_400_000).toBe(0);
});

test("an instrument the exchange does not list is its error", async () => {
  await expect(fetchCandles(rest, { instId: "NOPE-USDT", barSeconds: 60, limit: 5 })).rejects.toBeInstanceOf(OkxError);
});
