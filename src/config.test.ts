// Configuration: limits tied to the ring's size, and renamed variables.
import { expect, test } from "bun:test";
import { ConfigError, loadConfig, tradableInstruments } from "./config.ts";

test("an outside publisher's event and burst stay inside the replay window", () => {
  const d = loadConfig({});
  expect([d.MAX_EVENT_BYTES, d.PUBLISH_BURST_BYTES, d.PUBLISH_BYTES_PER_S]).toEqual([65536, 1 << 20, 512 << 10]);
  // A small ring lowers the defaults to fit: BUS_BYTES/16 and BUS_BYTES/4.
  const small = loadConfig({ BUS_BYTES: "65536" });
  expect([small.MAX_EVENT_BYTES, small.PUBLISH_BURST_BYTES]).toEqual([4096, 16384]);
  // A value set too high stops the start, naming the variable and the bound.
  expect(() => loadConfig({ BUS_BYTES: "1048576", MAX_EVENT_BYTES: "131072" })).toThrow(
    'MAX_EVENT_BYTES="131072": at most BUS_BYTES/16 (65536)',
  );
  expect(() => loadConfig({ PUBLISH_BURST_BYTES: String(2 << 20), BUS_BYTES: String(4 << 20) })).toThrow(
    'PUBLISH_BURST_BYTES="2097152": at most BUS_BYTES/4 (1048576)',
  );
});

test("ENGINE_MAX_EVENT_BYTES was renamed MAX_EVENT_BYTES: a start that sets it stops and says so", () => {
  expect(() => loadConfig({ ENGINE_MAX_EVENT_BYTES: "1000" })).toThrow(ConfigError);
  expect(() => loadConfig({ ENGINE_MAX_EVENT_BYTES: "1000" })).toThrow(/renamed MAX_EVENT_BYTES/);
});

test("orders may name each configured pair and its linear swap, or what RISK_INSTRUMENTS says", () => {
  expect(tradableInstruments(loadConfig({ OKX_INSTRUMENTS: "BTC-USDT,ETH-USDT-SWAP" }))).toEqual([
    "BTC-USDT",
    "BTC-USDT-SWAP",
    "ETH-USDT-SWAP",
  ]);
  expect(tradableInstruments(loadConfig({ OKX_INSTRUMENTS: "BTC-USDT", RISK_INSTRUMENTS: "ETH-USDT" }))).toEqual([
    "ETH-USDT",
  ]);
});
