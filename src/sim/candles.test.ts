// Bar alignment and aggregation of the one-minute history.
import { expect, test } from "bun:test";
import { bucket, CandleSeries, parseBar } from "./candles.ts";
import { createRng } from "./rng.ts";

test("bar names", () => {
  expect(parseBar("1m")).toEqual({ ms: 60_000, offset: 0 });
  expect(parseBar("1H")).toEqual({ ms: 3_600_000, offset: 0 });
  expect(parseBar("1D")!.offset).toBe(8 * 3_600_000);
  expect(parseBar("1Dutc")!.offset).toBe(0);
  expect(parseBar("1s")).toBeUndefined();
  expect(parseBar("1mutc")).toBeUndefined();
});

test("a day bar in Hong Kong time opens at 16:00 UTC", () => {
  const spec = parseBar("1D")!;
  const t = Date.parse("2024-01-02T03:00:00Z");
  expect(new Date(bucket(t, spec.ms, spec.offset)).toISOString()).toBe("2024-01-01T16:00:00.000Z");
  const w = parseBar("1Wutc")!;
  expect(new Date(bucket(t, w.ms, w.offset)).toISOString()).toBe("2024-01-01T00:00:00.000Z");
});

test("rows are newest first with 9 fields and only the open bar unconfirmed", () => {
  const now = Date.parse("2024-01-02T03:00:30Z");
  const s = new CandleSeries(100, now, createRng(1), { sigma: 0.001, reversion: 0.26, baseVolPerMin: 5 });
  s.update(101, 2, now);
  const rows = s.rows("1m", now, { limit: 3 });
  expect(rows.length).toBe(3);
  expect(rows[0]!.length).toBe(9);
  expect(rows[0]![0]).toBe(String(Date.parse("2024-01-02T03:00:00Z")));
  expect(rows[0]![4]).toBe("101");
  expect(rows[0]![8]).toBe("0");
  expect(rows[1]![8]).toBe("1");
  expect(Number(rows[0]![0])).toBeGreaterThan(Number(rows[1]![0]));
  const hours = s.rows("1H", now, { limit: 5 });
  expect(Number(hours[0]![0]) % 3_600_000).toBe(0);
  const older = s.rows("1m", now, { after: Number(rows[0]![0]), limit: 1 });
  expect(older[0]![0]).toBe(rows[1]![0]);
});

test("the history ranges where the live walk does: pulled back toward the price it ends at, it does not wander off", () => {
  const now = Date.parse("2024-01-02T03:00:30Z");
  const closes = (reversion: number) =>
    new CandleSeries(100, now, createRng(7), { sigma: 0.0025, reversion, baseVolPerMin: 5 })
      .rows("1m", now, { limit: 300 })
      .map((r) => Number(r[4]));
  const spread = (xs: number[]) => Math.max(...xs) / Math.min(...xs) - 1;
  // The live walk's pull (0.0005 a step of 100 ms: 26% a minute) keeps it within about 1% of its
  // centre; a history without it wandered several percent in five hours (44,800 to 43,000).
  expect(spread(closes(0.26))).toBeLessThan(0.03);
  expect(spread(closes(0))).toBeGreaterThan(spread(closes(0.26)) * 2);
});
