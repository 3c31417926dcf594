import { expect, test } from "bun:test";
import { coveredBy, covers, readable, union } from "./channels.ts";

test("coverage of patterns", () => {
  expect(covers("*", "orders")).toBe(true);
  expect(covers("tickers:*", "tickers:BTC-USDT")).toBe(true);
  expect(covers("tickers:*", "tickers:*")).toBe(true);
  expect(covers("tickers:*", "trades:BTC-USDT")).toBe(false);
  expect(covers("tickers:BTC-USDT", "tickers:ETH-USDT")).toBe(false);
  expect(coveredBy(["orders", "tickers:X"], ["tickers:*", "orders"])).toBe(true);
  expect(coveredBy(["fills"], ["tickers:*", "orders"])).toBe(false);
});

test("the union keeps only what is not covered", () => {
  expect(union([["tickers:BTC-USDT", "orders"], ["tickers:*"], ["orders", "books:BTC-USDT"]])).toEqual([
    "books:BTC-USDT",
    "orders",
    "tickers:*",
  ]);
  expect(union([["a"], ["*"]])).toEqual(["*"]);
});

test("viewers do not ask for private channels", () => {
  expect(readable(["orders", "tickers:*", "fills", "balances", "commands", "account", "positions"], "viewer")).toEqual([
    "tickers:*",
  ]);
  expect(readable(["orders", "tickers:*"], "trader")).toEqual(["orders", "tickers:*"]);
});
