import { expect, test } from "bun:test";
import { alertDirection, alertReached } from "../../src/domain/alerts.ts";
import { ApiRequestError } from "../client/http.ts";
import type { PriceAlert } from "../client/types.ts";
import { type BrowserAlert, browserKey, type ImportDeps, importBrowserAlerts, TELL_BACK_MS, untold } from "./alerts.ts";

test("an alert's direction is where its price stands from the last one; none at the last price or without one", () => {
  expect(alertDirection(45_000, 43_000)).toEqual({ up: true });
  expect(alertDirection(41_000, 43_000)).toEqual({ up: false });
  expect(alertDirection(43_000, 43_000)).toEqual({ error: "the last price is there now" });
  expect(alertDirection(43_000, undefined)).toEqual({ error: "no last price yet to set it from" });
  expect(alertDirection(0, 43_000)).toEqual({ error: "a price above 0" });
  expect(alertDirection(Number.NaN, 43_000)).toEqual({ error: "a price above 0" });
});

test("an alert is reached when the last price gets to its price from its side, or past it", () => {
  const up = { price: 45_000, up: true };
  expect(alertReached(up, 44_999.9)).toBe(false);
  expect(alertReached(up, 45_000)).toBe(true);
  expect(alertReached(up, 46_000)).toBe(true);
  const down = { price: 41_000, up: false };
  expect(alertReached(down, 41_000.1)).toBe(false);
  expect(alertReached(down, 41_000)).toBe(true);
  expect(alertReached(down, 40_000)).toBe(true);
});

/** A Storage stand-in holding `user`'s alerts as the browser kept them, and what the import did. */
function setup(kept: unknown, refuse?: (instId: string, price: number) => Error | undefined) {
  const data = new Map([[browserKey("tina"), typeof kept === "string" ? kept : JSON.stringify(kept)]]);
  const created: string[] = [];
  const reached: string[] = [];
  const d: ImportDeps = {
    storage: {
      getItem: (k) => data.get(k) ?? null,
      removeItem: (k) => void data.delete(k),
      setItem: (k, v) => void data.set(k, v),
    },
    lasts: async () =>
      new Map([
        ["BTC-USDT", 43_000],
        ["ETH-USDT", 2_000],
      ]),
    create: async (instId, price) => {
      const err = refuse?.(instId, price);
      if (err) throw err;
      created.push(`${instId} ${price}`);
    },
    reached: (a: BrowserAlert, last) => reached.push(`${a.instId} ${a.price} ${last}`),
  };
  return { d, data, created, reached };
}

const kept = (instId: string, price: number, up: boolean, created = 1) => ({
  id: `${instId}${price}`,
  instId,
  price,
  up,
  created,
});

test("alerts the browser kept go to the service once; one the market reached meanwhile is told; then they are forgotten here", async () => {
  const { d, data, created, reached } = setup([
    kept("BTC-USDT", 45_000, true),
    kept("BTC-USDT", 44_000, false), // fell to it while no page was open
    kept("ETH-USDT", 1_900, false),
    kept("XRP-USDT", 1, false), // no longer streamed
    { id: "bad", instId: "BTC-USDT", price: -1, up: true },
  ]);
  expect(await importBrowserAlerts("tina", d)).toBe(2);
  expect(created).toEqual(["BTC-USDT 45000", "ETH-USDT 1900"]);
  expect(reached).toEqual(["BTC-USDT 44000 43000"]);
  expect(data.size).toBe(0);
  expect(await importBrowserAlerts("tina", d)).toBe(0); // nothing left to hand over
});

test("a refusal (set already) is an answer; a service that cannot answer keeps them for the next sign-in", async () => {
  const dup = setup([kept("BTC-USDT", 45_000, true)], () => new ApiRequestError(409, "alert_exists", "set already"));
  expect(await importBrowserAlerts("tina", dup.d)).toBe(0);
  expect(dup.data.size).toBe(0);
  const down = setup([kept("BTC-USDT", 45_000, true)], () => new ApiRequestError(503, "store_unavailable", "down"));
  await expect(importBrowserAlerts("tina", down.d)).rejects.toThrow("down");
  expect(down.data.size).toBe(1);
  const garbage = setup("{not json");
  expect(await importBrowserAlerts("tina", garbage.d)).toBe(0);
});

test("a fired alert is told once by a browser: those after the newest it told, or of the last day the first time", () => {
  const fired = (id: string, firedAt: number | null): PriceAlert => ({
    id,
    owner: "tina",
    instId: "BTC-USDT",
    price: 1,
    up: true,
    note: "",
    createdAt: 0,
    firedAt,
    firedPx: firedAt === null ? null : 1,
  });
  const now = 10 * TELL_BACK_MS;
  const list = [fired("old", now - TELL_BACK_MS - 1), fired("b", now - 20), fired("a", now - 30), fired("w", null)];
  const first = untold(list, undefined, now);
  expect([first.news.map((a) => a.id), first.until]).toEqual([["a", "b"], now - 20]);
  expect(untold(list, first.until, now)).toEqual({ news: [], until: now - 20 });
  const later = untold([...list, fired("c", now - 5)], first.until, now);
  expect([later.news.map((a) => a.id), later.until]).toEqual([["c"], now - 5]);
});
