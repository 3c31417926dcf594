// The durable strategy store: rows round-trip, versions grow, a delete is a tombstone.
import { expect, test } from "bun:test";
import type { StrategyRecord } from "../../strategies/model.ts";
import type { StrategyRow } from "./protocol.ts";
import { ClickHouseStrategyStore, fromRow, toRow } from "./strategies.ts";

const rec: StrategyRecord = {
  id: "abcdefghij",
  name: "grid one",
  kind: "grid",
  owner: "tina",
  instruments: ["BTC-USDT"],
  params: { levels: 3, spacingPct: 0.2, size: 0.001 },
  limits: { maxPosition: 1, maxOrderNotional: 1000, maxOrdersPerSecond: 5 },
  state: "running",
  reason: null,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_500,
  saved: {
    instruments: [
      { instId: "BTC-USDT", pos: 0.002, avgPx: 40000, realizedPnl: 1.5, fees: 0.1, volume: 120, fills: 3, ctVal: 1 },
    ],
  },
};

test("a record survives the row format", () => {
  expect(fromRow({ ...toRow(rec), deleted: false, version: 1 })).toEqual(rec);
  expect(
    fromRow({ ...toRow({ ...rec, saved: null, reason: "stopped by tina" }), deleted: false, version: 1 }),
  ).toMatchObject({ saved: null, reason: "stopped by tina" });
});

test("writes carry growing versions past the loaded ones; remove writes a tombstone", async () => {
  const written: StrategyRow[] = [];
  const store = new ClickHouseStrategyStore({
    loadStrategies: async () => [{ ...toRow(rec), deleted: false, version: 9e15 }],
    putStrategy: async (s) => {
      written.push(s);
      return { written: true };
    },
  });
  expect(await store.load()).toEqual([rec]);
  await store.save({ ...rec, state: "stopped" });
  await store.remove(rec);
  expect(written.map((w) => [w.state, w.deleted])).toEqual([
    ["stopped", false],
    ["running", true],
  ]);
  expect(written[0]!.version).toBeGreaterThan(9e15);
  expect(written[1]!.version).toBeGreaterThan(written[0]!.version);
});
