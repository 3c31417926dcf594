// The checksum vectors published with the OKX docs example (OKX.md §4.2).
import { expect, test } from "bun:test";
import { bookChecksum, checksumString } from "./checksum.ts";

test("equal depth interleaves bid, ask", () => {
  const bids = [
    ["3366.1", "7"],
    ["3366", "6"],
  ] as const;
  const asks = [
    ["3366.8", "9"],
    ["3368", "8"],
  ] as const;
  expect(checksumString(bids, asks)).toBe("3366.1:7:3366.8:9:3366:6:3368:8");
  expect(bookChecksum(bids, asks)).toBe(-1881014294);
});

test("a shorter side is skipped, the tail comes from the other side", () => {
  const bids = [["3366.1", "7"]] as const;
  const asks = [
    ["3366.8", "9"],
    ["3368", "8"],
    ["3372", "8"],
  ] as const;
  expect(checksumString(bids, asks)).toBe("3366.1:7:3366.8:9:3368:8:3372:8");
  expect(bookChecksum(bids, asks)).toBe(831078360);
});

test("only the top 25 levels count", () => {
  const side = Array.from({ length: 30 }, (_, i) => [String(100 - i), "1"] as const);
  const asks = Array.from({ length: 30 }, (_, i) => [String(101 + i), "1"] as const);
  expect(bookChecksum(side, asks)).toBe(bookChecksum(side.slice(0, 25), asks.slice(0, 25)));
});
