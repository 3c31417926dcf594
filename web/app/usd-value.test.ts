import { expect, test } from "bun:test";
import { usdPrice } from "./usd-value.ts";

test("usdPrice: stablecoins at 1, others at their USDT or USDC pair's last, else unknown", () => {
  const tickers = new Map([
    ["BTC-USDT", { last: "43000.5" }],
    ["SOL-USDC", { last: "101" }],
    ["ETH-BTC", { last: "0.05" }],
  ]);
  expect(usdPrice("USDT", tickers)).toBe(1);
  expect(usdPrice("USDC", tickers)).toBe(1);
  expect(usdPrice("BTC", tickers)).toBe(43000.5);
  expect(usdPrice("SOL", tickers)).toBe(101);
  expect(usdPrice("ETH", tickers)).toBeNull();
});
