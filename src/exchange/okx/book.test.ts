import { expect, test } from "bun:test";
import { applyBookUpdate, bookChecksum, bookFromSnapshot, bookView, checksumString } from "./book.ts";
import type { RawLevel } from "./parse-market.ts";

const L = (px: string, sz: string, n = "1"): RawLevel => [px, sz, n];

test("checksum matches the verified OKX test vectors (OKX.md §4.2)", () => {
  const a = bookFromSnapshot("X", [L("3366.8", "9"), L("3368", "8")], [L("3366.1", "7"), L("3366", "6")], 1, 1, 400);
  expect(checksumString(a)).toBe("3366.1:7:3366.8:9:3366:6:3368:8");
  expect(bookChecksum(a)).toBe(-1881014294);
  const b = bookFromSnapshot("X", [L("3366.8", "9"), L("3368", "8"), L("3372", "8")], [L("3366.1", "7")], 1, 1, 400);
  expect(checksumString(b)).toBe("3366.1:7:3366.8:9:3368:8:3372:8");
  expect(bookChecksum(b)).toBe(831078360);
});

test("the checksum takes at most 25 levels per side", () => {
  const asks = Array.from({ length: 30 }, (_, i) => L(String(101 + i), "1"));
  const bids = Array.from({ length: 30 }, (_, i) => L(String(100 - i), "2"));
  const s = checksumString(bookFromSnapshot("X", asks, bids, 1, 1, 400));
  expect(s.split(":").length).toBe(100);
  expect(s.startsWith("100:2:101:1:99:2:102:1")).toBe(true);
  expect(s.endsWith("76:2:125:1")).toBe(true);
});

test("snapshot sorts the sides; update replaces, inserts, deletes on size 0, keeps strings", () => {
  const book = bookFromSnapshot(
    "BTC-USDT",
    [L("101", "1"), L("100.5", "2")],
    [L("99", "3"), L("100", "4")],
    10,
    5,
    400,
  );
  expect(book.asks.map((l) => l.px)).toEqual(["100.5", "101"]);
  expect(book.bids.map((l) => l.px)).toEqual(["100", "99"]);
  applyBookUpdate(book, [L("100.5", "0"), L("100.7", "1.50"), L("102", "9")], [L("99", "3.5"), L("99.5", "1")], 20, 7);
  expect(bookView(book, 10)).toEqual({
    instId: "BTC-USDT",
    asks: [
      ["100.7", "1.50", 1],
      ["101", "1", 1],
      ["102", "9", 1],
    ],
    bids: [
      ["100", "4", 1],
      ["99.5", "1", 1],
      ["99", "3.5", 1],
    ],
    ts: 20,
    seqId: 7,
    depth: 10,
  });
  // Deleting a level that is not there changes nothing.
  applyBookUpdate(book, [L("500", "0")], [], 21, 8);
  expect(book.asks.length).toBe(3);
});

test("the book is truncated to its depth after each update; views to the requested levels", () => {
  const book = bookFromSnapshot("X", [L("1", "1"), L("2", "1"), L("3", "1")], [], 1, 1, 3);
  applyBookUpdate(book, [L("0.5", "1")], [], 2, 2);
  expect(book.asks.map((l) => l.px)).toEqual(["0.5", "1", "2"]);
  expect(bookView(book, 2).asks.map((l) => l[0])).toEqual(["0.5", "1"]);
});
