// The durable alert store: rows round-trip (waiting and fired), versions grow, a removal is a tombstone.
import { expect, test } from "bun:test";
import type { PriceAlert } from "../../domain/alerts.ts";
import { ClickHouseAlertStore, fromAlertRow, toAlertRow } from "./alerts.ts";
import type { AlertRow } from "./protocol.ts";

const waiting: PriceAlert = {
  id: "q7x2m0c9ab",
  owner: "tina",
  instId: "BTC-USDT",
  price: 45000.5,
  up: true,
  note: "breakout",
  createdAt: 1_700_000_000_000,
  firedAt: null,
  firedPx: null,
};
const fired: PriceAlert = { ...waiting, firedAt: 1_700_000_100_000, firedPx: 45001 };

test("an alert survives the row format, waiting or fired", () => {
  expect(fromAlertRow({ ...toAlertRow(waiting), deleted: false, version: 1 })).toEqual(waiting);
  expect(fromAlertRow({ ...toAlertRow(fired), deleted: false, version: 1 })).toEqual(fired);
});

test("writes carry growing versions past the loaded ones; remove writes a tombstone", async () => {
  const written: AlertRow[] = [];
  const store = new ClickHouseAlertStore({
    loadAlerts: async () => [{ ...toAlertRow(waiting), deleted: false, version: 9e15 }],
    putAlert: async (a) => {
      written.push(a);
      return { written: true };
    },
  });
  expect(await store.load()).toEqual([waiting]);
  await store.save(fired);
  await store.remove(fired);
  expect(written.map((w) => [w.firedPx, w.deleted])).toEqual([
    [45001, false],
    [45001, true],
  ]);
  expect(written[0]!.version).toBeGreaterThan(9e15);
  expect(written[1]!.version).toBeGreaterThan(written[0]!.version);
});
