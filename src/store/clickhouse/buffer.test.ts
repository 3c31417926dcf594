// The buffer policy: samples (market rows, equity) make room oldest-first, kept rows are refused
// newest-first at the cap.
import { expect, test } from "bun:test";
import { RowBuffer } from "./buffer.ts";

const buf = () => new RowBuffer({ marketRows: 3, keptRows: 2, tokenPrefix: "t" });

test("market rows over the cap push out the oldest pending market rows, counted", () => {
  const b = buf();
  for (let i = 1; i <= 5; i++) expect(b.push("trades", { n: i })).toBe(true);
  expect(b.sizes().trades).toBe(3);
  expect(b.dropped.trades).toEqual({ buffer_full: 2 });
  expect(b.take("trades", 10)!.rows.map((r) => r.n)).toEqual([3, 4, 5]);
});

test("a market row evicts from the other market table when its own has nothing pending", () => {
  const b = buf();
  for (let i = 1; i <= 3; i++) b.push("tickers", { n: i });
  expect(b.push("trades", { n: 9 })).toBe(true);
  expect(b.dropped.tickers).toEqual({ buffer_full: 1 });
  expect(b.sizes()).toMatchObject({ trades: 1, tickers: 2 });
});

test("equity samples share the samples' room: over it the oldest sample goes, and orders are never pushed out by them", () => {
  const b = buf();
  for (let i = 1; i <= 3; i++) b.push("equity", { n: i });
  expect(b.push("equity", { n: 4 })).toBe(true);
  expect(b.dropped.equity).toEqual({ buffer_full: 1 });
  expect(b.push("orders", { n: 1 })).toBe(true);
  expect(b.push("orders", { n: 2 })).toBe(true);
  expect(b.sizes()).toMatchObject({ equity: 3, orders: 2 });
});

test("a batch being sent is never evicted; with nothing else to evict the new market row is refused", () => {
  const b = buf();
  for (let i = 1; i <= 3; i++) b.push("trades", { n: i });
  b.take("trades", 10)!.sending = true;
  expect(b.push("trades", { n: 4 })).toBe(false);
  expect(b.dropped.trades).toEqual({ buffer_full: 1 });
  expect(b.ack("trades")).toBe(3);
  expect(b.push("trades", { n: 5 })).toBe(true);
});

test("a market batch waiting for its retry gives up its oldest rows first, under a new token", () => {
  const b = buf();
  for (let i = 1; i <= 3; i++) b.push("trades", { n: i });
  const batch = b.take("trades", 2)!;
  const token = batch.token;
  expect(b.push("trades", { n: 4 })).toBe(true);
  expect(b.take("trades", 10)!.rows).toEqual([{ n: 2 }]);
  expect(batch.token).not.toBe(token);
  expect(b.sizes().trades).toBe(3);
});

test("kept rows are never dropped for room: past the hard cap the newest is refused and counted", () => {
  const b = buf();
  for (let i = 1; i <= 3; i++) b.push("trades", { n: i });
  expect(b.push("orders", { n: 1 })).toBe(true);
  expect(b.push("audit", { n: 2 })).toBe(true);
  expect(b.push("fills", { n: 3 })).toBe(false);
  expect(b.dropped).toEqual({ fills: { hard_cap: 1 } });
  expect(b.sizes()).toMatchObject({ orders: 1, audit: 1, fills: 0, trades: 3 });
});

test("a retry gets the same batch and token until it is acknowledged", () => {
  const b = buf();
  b.push("orders", { n: 1 });
  const first = b.take("orders", 10)!;
  b.push("orders", { n: 2 });
  const again = b.take("orders", 10)!;
  expect(again).toBe(first);
  expect(again.rows).toEqual([{ n: 1 }]);
  b.ack("orders");
  const next = b.take("orders", 10)!;
  expect(next.token).not.toBe(first.token);
  expect(next.rows).toEqual([{ n: 2 }]);
  expect(b.total()).toBe(1);
});
