import { expect, test } from "bun:test";
import { turnover24h } from "./turnover.ts";

test("spot turnover is the quote volume as given", () => {
  expect(turnover24h({ instId: "BTC-USDT", last: "43000", volCcy24h: "623700000" })).toBe(623700000);
});

test("a derivative's base volume is priced at the last price", () => {
  expect(turnover24h({ instId: "BTC-USDT-SWAP", last: "43000", volCcy24h: "204.5" })).toBe(8793500);
  expect(turnover24h({ instId: "BTC-USD-250328", last: "40000", volCcy24h: "10" })).toBe(400000);
});

test("a missing figure is not a number, not zero", () => {
  expect(Number.isNaN(turnover24h({ instId: "BTC-USDT-SWAP", last: "", volCcy24h: "" }))).toBe(true);
  expect(Number.isNaN(turnover24h({ instId: "BTC-USDT-SWAP", last: "", volCcy24h: "2" }))).toBe(true);
  expect(Number.isNaN(turnover24h({ instId: "BTC-USDT", last: "1", volCcy24h: "x" }))).toBe(true);
});
