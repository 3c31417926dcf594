// The alert service: set above or below the last price, fires once on the exchange's ticker that
// reaches it (not on another publisher's), kept through a restart, removed by its owner or an admin.
import { expect, test } from "bun:test";
import { textEvent } from "../../tests/fixtures/bus-event.ts";
import { type AlertStore, MemoryAlertStore } from "../alerts/store.ts";
import type { BusEvent, PublishInput } from "../bus/ring.ts";
import { MAX_ACTIVE_ALERTS, MAX_FIRED_ALERTS } from "../domain/alerts.ts";
import { createLogger } from "../log.ts";
import { AlertService } from "./alerts.ts";

const tina = { user: "tina", role: "trader" as const };
const vic = { user: "vic", role: "viewer" as const };
const admin = { user: "ada", role: "admin" as const };

function setup(o: { store?: AlertStore; left?: Record<string, unknown>[] } = {}) {
  const lasts = new Map([["BTC-USDT", "100"]]);
  const published: Array<{ channel: string; data: Record<string, unknown> }> = [];
  const lines: string[] = [];
  let seq = 0;
  let now = 1_000;
  const d = {
    store: o.store ?? new MemoryAlertStore(),
    publisher: {
      publish: (ev: PublishInput) => {
        published.push({ channel: ev.channel, data: JSON.parse(String(ev.dataJson)) });
        return { id: `p${++seq}`, seq, pubTs: 0 };
      },
    },
    state: {
      get: (key: string) => {
        const last = lasts.get(key.replace("tickers:", ""));
        return last === undefined ? undefined : { last };
      },
      list: () => o.left ?? [],
    },
    instruments: new Set(["BTC-USDT", "ETH-USDT"]),
    log: createLogger("info", {}, (l) => lines.push(l)),
    now: () => ++now,
  };
  const ticker = (instId: string, last: string, source: BusEvent["source"] = "exchange"): BusEvent => ({
    ...textEvent(++seq, "ticker", `tickers:${instId}`, { instId, last }),
    source,
  });
  return { d, lasts, published, lines, ticker };
}

test("an alert is set above or below the last price, and fires once when a ticker from the exchange reaches it", async () => {
  const { d, published, ticker } = setup();
  const alerts = await AlertService.open(d);
  const up = await alerts.create(tina, { instId: "BTC-USDT", price: 110, note: " resistance " });
  const down = await alerts.create(vic, { instId: "BTC-USDT", price: 90 });
  expect([up.up, up.note, up.firedAt, down.up]).toEqual([true, "resistance", null, false]);
  expect(published.map((p) => p.channel)).toEqual([`alerts:${up.id}`, `alerts:${down.id}`]);

  alerts.consume([ticker("BTC-USDT", "109.9"), ticker("ETH-USDT", "200")]);
  expect(alerts.list({ state: "fired" })).toEqual([]);
  // Another publisher's ticker is no price to fire on.
  alerts.consume([ticker("BTC-USDT", "120", "http")]);
  expect(alerts.list({ state: "fired" })).toEqual([]);
  alerts.consume([ticker("BTC-USDT", "110.5"), ticker("BTC-USDT", "111")]);
  const fired = alerts.get(up.id);
  expect([fired.firedPx, typeof fired.firedAt]).toEqual([110.5, "number"]);
  expect(published.at(-1)).toEqual({ channel: `alerts:${up.id}`, data: fired as unknown as Record<string, unknown> });
  expect(published).toHaveLength(3); // once
  alerts.consume([ticker("BTC-USDT", "89")]);
  expect(alerts.list({ state: "fired" }).map((a) => a.id)).toEqual([up.id, down.id]);
  expect(alerts.list({ owner: "vic" }).map((a) => a.firedPx)).toEqual([89]);
});

test("refusals name the field: an instrument not streamed, no last price, the price at the last, a duplicate, too many", async () => {
  const { d, lasts } = setup();
  const alerts = await AlertService.open(d);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e) => ({ code: e.code, details: e.details }),
    );
  expect(await refusal(alerts.create(tina, { instId: "XRP-USDT", price: 1 }))).toEqual({
    code: "validation_failed",
    details: [{ field: "instId", message: "not an instrument this service streams" }],
  });
  expect(await refusal(alerts.create(tina, { instId: "ETH-USDT", price: 1 }))).toEqual({
    code: "validation_failed",
    details: [{ field: "price", message: "no last price yet to set it from" }],
  });
  expect(await refusal(alerts.create(tina, { instId: "BTC-USDT", price: 100 }))).toEqual({
    code: "validation_failed",
    details: [{ field: "price", message: "the last price is there now" }],
  });
  await alerts.create(tina, { instId: "BTC-USDT", price: 101 });
  expect(await refusal(alerts.create(tina, { instId: "BTC-USDT", price: 101 }))).toEqual({
    code: "alert_exists",
    details: [{ field: "price", message: "an alert is set at that price" }],
  });
  await alerts.create(vic, { instId: "BTC-USDT", price: 101 }); // someone else's: fine
  for (let i = 1; i < MAX_ACTIVE_ALERTS; i++) await alerts.create(tina, { instId: "BTC-USDT", price: 200 + i });
  expect((await refusal(alerts.create(tina, { instId: "BTC-USDT", price: 50 })))?.code).toBe("too_many_alerts");
  lasts.set("ETH-USDT", "2000");
  expect((await alerts.create(vic, { instId: "ETH-USDT", price: 1900 })).up).toBe(false);
});

test("its owner or an admin removes it (gone from the stream too); anyone else may not", async () => {
  const { d, published } = setup();
  const alerts = await AlertService.open(d);
  const a = await alerts.create(tina, { instId: "BTC-USDT", price: 110 });
  const b = await alerts.create(tina, { instId: "BTC-USDT", price: 120 });
  expect(await alerts.remove(vic, a.id).catch((e) => e.code)).toBe("forbidden");
  await alerts.remove(tina, a.id);
  await alerts.remove(admin, b.id);
  expect(await alerts.remove(tina, a.id).catch((e) => e.code)).toBe("not_found");
  expect(published.slice(-2).map((p) => p.data)).toEqual([
    { id: a.id, deleted: true },
    { id: b.id, deleted: true },
  ]);
  expect(alerts.list()).toEqual([]);
});

test("kept through a restart: a waiting one fires on the first ticker past it; what the latest state kept and the store lost goes", async () => {
  const store = new MemoryAlertStore();
  const first = setup({ store });
  const before = await AlertService.open(first.d);
  const a = await before.create(tina, { instId: "BTC-USDT", price: 110 });
  const b = await before.create(tina, { instId: "BTC-USDT", price: 80 });
  before.consume([first.ticker("BTC-USDT", "79")]);

  const next = setup({ store, left: [{ id: a.id }, { id: "zzzzzzzzzz" }] });
  const after = await AlertService.open(next.d);
  expect(next.published.map((p) => p.data)).toEqual([
    { id: "zzzzzzzzzz", deleted: true },
    expect.objectContaining({ id: a.id, firedAt: null }),
    expect.objectContaining({ id: b.id, firedPx: 79 }),
  ]);
  after.consume([next.ticker("BTC-USDT", "130")]); // it went past while the service was down
  expect(after.get(a.id).firedPx).toBe(130);
  expect((await store.load()).find((x) => x.id === a.id)?.firedPx).toBe(130);
});

test("fired alerts are kept until dismissed, the newest MAX_FIRED_ALERTS per user", async () => {
  const { d, ticker } = setup();
  const alerts = await AlertService.open(d);
  for (let round = 0; round < 2; round++) {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await alerts.create(tina, { instId: "BTC-USDT", price: 101 + i })).id);
    alerts.consume([ticker("BTC-USDT", "200")]);
    alerts.consume([ticker("BTC-USDT", "100")]);
  }
  const fired = alerts.list({ owner: "tina", state: "fired" });
  expect(fired).toHaveLength(MAX_FIRED_ALERTS);
  expect(fired.every((a) => a.firedPx === 200)).toBe(true);
});

test("a store that cannot write: the change is refused (503), nothing is published", async () => {
  const store = new MemoryAlertStore();
  const { d, published } = setup({ store });
  const alerts = await AlertService.open(d);
  store.save = () => Promise.reject(new Error("down"));
  expect(await alerts.create(tina, { instId: "BTC-USDT", price: 110 }).catch((e) => e.code)).toBe("store_unavailable");
  expect(published).toEqual([]);
  expect(alerts.list()).toEqual([]);
});

test("a deleted user's alerts go with them, from the store and the stream", async () => {
  const store = new MemoryAlertStore();
  const { d, published } = setup({ store });
  const alerts = await AlertService.open(d);
  const a = await alerts.create(vic, { instId: "BTC-USDT", price: 110 });
  const kept = await alerts.create(tina, { instId: "BTC-USDT", price: 120 });
  expect(await alerts.forget("vic")).toBe(1);
  expect(alerts.list().map((x) => x.id)).toEqual([kept.id]);
  expect((await store.load()).map((x) => x.id)).toEqual([kept.id]);
  expect(published.at(-1)!.data).toEqual({ id: a.id, deleted: true });
});

test("a waiting alert moves (dragged on a chart): where it fires from is worked out again; a fired one does not", async () => {
  const { d, published, ticker } = setup();
  const alerts = await AlertService.open(d);
  const a = await alerts.create(tina, { instId: "BTC-USDT", price: 110 });
  await alerts.create(tina, { instId: "BTC-USDT", price: 120 });
  const moved = await alerts.update(tina, a.id, { price: 95, note: "support" });
  expect([moved.price, moved.up, moved.note]).toEqual([95, false, "support"]);
  expect(published.at(-1)!.data).toMatchObject({ id: a.id, price: 95, up: false });
  expect(await alerts.update(vic, a.id, { price: 90 }).catch((e) => e.code)).toBe("forbidden");
  expect(await alerts.update(tina, a.id, { price: 120 }).catch((e) => e.code)).toBe("alert_exists");
  expect(await alerts.update(tina, a.id, { price: 100 }).catch((e) => e.details)).toEqual([
    { field: "price", message: "the last price is there now" },
  ]);
  alerts.consume([ticker("BTC-USDT", "111")]); // past its old price: nothing
  expect(alerts.get(a.id).firedAt).toBeNull();
  alerts.consume([ticker("BTC-USDT", "94.5")]);
  expect(alerts.get(a.id).firedPx).toBe(94.5);
  expect(await alerts.update(admin, a.id, { price: 90 }).catch((e) => e.code)).toBe("alert_fired");
});
