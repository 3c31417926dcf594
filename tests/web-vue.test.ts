// The Vue composables (web/vue) against the real server under Bun: snapshot first then live,
// coalesced per frame, released when the component's scope ends.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createApp, effectScope } from "vue";
import type { Order } from "../src/domain/events.ts";
import { createTradewire, type Tradewire } from "../web/vue/context.ts";
import { useEventStream, useOrders, useTicker } from "../web/vue/index.ts";
import { anOrder } from "./fixtures/order.ts";
import { ADMIN_PASSWORD, eventually, exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let tw: Tradewire;
beforeAll(async () => {
  s = await startTestServer();
  admin = await s.token();
  tw = createTradewire({ base: s.url, shareAcrossTabs: false, shareTabs: false });
  await tw.session.login("admin", ADMIN_PASSWORD);
});
afterAll(async () => {
  tw.client.close();
  tw.session.close();
  await s.close();
});

/** Runs composables as a component would (inject works), in a scope we can end. */
function mount<T>(fn: () => T): { value: T; unmount(): void } {
  const app = createApp({}).use(tw);
  const scope = effectScope();
  const value = app.runWithContext(() => scope.run(fn)!);
  return { value, unmount: () => scope.stop() };
}

/** The REST snapshot the composables load first. */
const tickers = async () =>
  (await fetch(`${s.url}/api/market/tickers`, { headers: { Authorization: `Bearer ${admin}` } })).json();

const order = (ordId: string, state: Order["state"], uTime: number) =>
  anOrder(ordId, { clOrdId: `c${ordId}`, state, uTime });

test("useTicker: the snapshot first, then live updates; a burst lands as the latest value", async () => {
  // As the exchange connection publishes (HTTP-published tickers reach the stream, not the state).
  exchangeEvent(s, { type: "ticker", channel: "tickers:V-USDT", data: { instId: "V-USDT", last: "1", ts: 1 } });
  await eventually(async () => JSON.stringify(await tickers()).includes('"V-USDT"'));
  const m = mount(() => ({ ticker: useTicker("V-USDT"), stream: useEventStream() }));
  await eventually(() => m.value.ticker.value?.last === "1", 10_000);
  expect(m.value.stream.status.value).toBe("live");
  for (let i = 2; i <= 50; i++)
    exchangeEvent(s, { type: "ticker", channel: "tickers:V-USDT", data: { instId: "V-USDT", last: String(i), ts: i } });
  await eventually(() => m.value.ticker.value?.last === "50");
  expect(tw.client.subscribed).toContain("tickers:V-USDT");
  m.unmount();
  expect(tw.client.subscribed).not.toContain("tickers:V-USDT");
}, 20_000);

test("useOrders: open orders from REST, then the stream adds and removes them", async () => {
  exchangeEvent(s, { type: "order", channel: "orders", data: order("101", "live", 10) });
  const m = mount(() => useOrders());
  await eventually(() => m.value.orders.has("101"), 10_000);
  exchangeEvent(s, { type: "order", channel: "orders", data: order("102", "live", 11) });
  await eventually(() => m.value.list.value.length === 2);
  exchangeEvent(s, { type: "order", channel: "orders", data: order("101", "canceled", 12) });
  await eventually(() => !m.value.orders.has("101") && m.value.orders.has("102"));
  m.unmount();
}, 20_000);
