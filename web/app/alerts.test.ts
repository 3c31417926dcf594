import { expect, test } from "bun:test";
import { AlertBook, direction, type KeyValue, MAX_ALERTS, type PriceAlert, reached } from "./alerts.ts";

/** A Storage stand-in: a map, and what was written last. */
function memory(init: Record<string, string> = {}): KeyValue & { data: Map<string, string> } {
  const data = new Map(Object.entries(init));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const KEY = "tradewire.alerts.tina";
const added = (r: PriceAlert | { error: string }) => {
  if ("error" in r) throw new Error(r.error);
  return r;
};

test("an alert's direction is where its price stands from the last one; none at the last price or without one", () => {
  expect(direction(45_000, 43_000)).toEqual({ up: true });
  expect(direction(41_000, 43_000)).toEqual({ up: false });
  expect(direction(43_000, 43_000)).toEqual({ error: "the last price is there now" });
  expect(direction(43_000, undefined)).toEqual({ error: "no last price yet to set it from" });
  expect(direction(0, 43_000)).toEqual({ error: "a price above 0" });
  expect(direction(Number.NaN, 43_000)).toEqual({ error: "a price above 0" });
});

test("an alert is reached when the last price gets to its price from its side, or past it", () => {
  const up: PriceAlert = { id: "a", instId: "BTC-USDT", price: 45_000, up: true, created: 0 };
  expect(reached(up, 44_999.9)).toBe(false);
  expect(reached(up, 45_000)).toBe(true);
  expect(reached(up, 46_000)).toBe(true);
  const down = { ...up, price: 41_000, up: false };
  expect(reached(down, 41_000.1)).toBe(false);
  expect(reached(down, 41_000)).toBe(true);
  expect(reached(down, 40_000)).toBe(true);
});

test("the book fires each alert once, for its own instrument only, and keeps what it has in storage", () => {
  const store = memory();
  const book = new AlertBook(KEY, store, () => 1_000);
  const above = added(book.add("BTC-USDT", 45_000, 43_000));
  const below = added(book.add("BTC-USDT", 41_000, 43_000));
  const eth = added(book.add("ETH-USDT", 2_500, 2_300));
  expect(book.list.value.map((a) => a.id)).toEqual([above.id, below.id, eth.id]);
  expect(JSON.parse(store.data.get(KEY)!)).toHaveLength(3);

  expect(book.fire("BTC-USDT", 44_000)).toEqual([]);
  expect(book.fire("SOL-USDT", 1)).toEqual([]);
  expect(book.fire("BTC-USDT", 45_000.5)).toEqual([above]);
  expect(book.fire("BTC-USDT", 46_000)).toEqual([]); // fired once: gone
  expect(book.list.value).toEqual([below, eth]);
  expect(JSON.parse(store.data.get(KEY)!)).toEqual([below, eth]);

  // Another tab's book on the same storage reads the same alerts.
  expect(new AlertBook(KEY, store).list.value).toEqual([below, eth]);
  book.remove(eth.id);
  expect(book.list.value).toEqual([below]);
  expect(book.fire("ETH-USDT", 3_000)).toEqual([]);
});

test("the book refuses a second alert at one price, more than its limit, and keeps only well-formed alerts it reads", () => {
  const book = new AlertBook(KEY, memory());
  added(book.add("BTC-USDT", 45_000, 43_000));
  expect(book.add("BTC-USDT", 45_000, 44_000)).toEqual({ error: "an alert is set at that price" });
  for (let i = 1; i < MAX_ALERTS; i++) added(book.add("BTC-USDT", 45_000 + i, 43_000));
  expect(book.add("BTC-USDT", 50_000, 43_000)).toEqual({ error: `at most ${MAX_ALERTS} alerts` });

  const good: PriceAlert = { id: "g", instId: "BTC-USDT", price: 1, up: true, created: 5 };
  const stored = JSON.stringify([good, { id: "x", instId: "BTC-USDT", price: "1" }, null, 7]);
  expect(new AlertBook(KEY, memory({ [KEY]: stored })).list.value).toEqual([good]);
  expect(new AlertBook(KEY, memory({ [KEY]: "{not json" })).list.value).toEqual([]);
  expect(new AlertBook(KEY, memory({ [KEY]: '{"id":1}' })).list.value).toEqual([]);
  expect(new AlertBook(KEY, undefined).list.value).toEqual([]);
});

test("a storage that refuses writes leaves the alerts working for the page", () => {
  const store: KeyValue = {
    getItem: () => null,
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
  };
  const book = new AlertBook(KEY, store);
  const a = added(book.add("BTC-USDT", 45_000, 43_000));
  expect(book.fire("BTC-USDT", 45_000)).toEqual([a]);
});
