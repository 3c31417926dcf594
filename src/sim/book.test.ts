// The synthetic book stays sorted, uncrossed and at depth while the mid moves, and takers consume it.
import { expect, test } from "bun:test";
import { SyntheticBook } from "./book.ts";
import { createRng } from "./rng.ts";

function sorted(b: SyntheticBook): boolean {
  for (let i = 1; i < b.bids.length; i++) if (b.bids[i]![0] >= b.bids[i - 1]![0]) return false;
  for (let i = 1; i < b.asks.length; i++) if (b.asks[i]![0] <= b.asks[i - 1]![0]) return false;
  return true;
}

test("reshape keeps the book sorted, at depth and on the right side of the touch", () => {
  const rng = createRng(7);
  const book = new SyntheticBook(rng, 50, 100);
  let mid = 10_000;
  for (let step = 0; step < 500; step++) {
    mid += Math.round(rng.normal() * 5);
    book.reshape(mid - 1, mid + 1);
    expect(sorted(book)).toBe(true);
    expect(book.bids.length).toBe(50);
    expect(book.asks.length).toBe(50);
    expect(book.best("bids")!).toBeLessThanOrEqual(mid - 1);
    expect(book.best("asks")!).toBeGreaterThanOrEqual(mid + 1);
  }
});

test("take walks levels best first and stops at the limit", () => {
  const book = new SyntheticBook(createRng(1), 10, 10);
  book.reshape(99, 101);
  const best = book.best("asks")!;
  const avail = book.available("asks", best);
  const fills = book.take("asks", avail + 1_000_000, best);
  expect(fills.reduce((s, f) => s + f.lots, 0)).toBe(avail);
  expect(fills.every((f) => f.px === best)).toBe(true);
  expect(book.best("asks")!).toBeGreaterThan(best);
});

test("the same seed gives the same book", () => {
  const a = new SyntheticBook(createRng(42), 20, 10);
  const b = new SyntheticBook(createRng(42), 20, 10);
  a.reshape(500, 502);
  b.reshape(500, 502);
  expect(a.bids).toEqual(b.bids);
  expect(a.asks).toEqual(b.asks);
});
