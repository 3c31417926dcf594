// What the exchange connection (and tradewire's own services) publishes is the truth the latest
// state, the risk checks and the history use; what an engine or an HTTP publisher puts on the bus
// stays theirs: it reaches stream clients marked with its `src`, and nothing else. Found by issue 13
// (item 5): a fake ticker let a 10 BTC market order pass the notional check, and 200 fake `order`
// events blocked every real order. Over POST /api/events and over the engine bridge (Redis DB 13).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import type { OrderAck, OrderRequest } from "../src/domain/orders.ts";
import type { OrderGateway } from "../src/services/gateway.ts";
import { eventually, exchangeEvent, openSse, startTestServer, type TestServer } from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("exchange-truth");

/** Accepts every order; knows BTC-USDT (spot: 1 contract = 1 BTC). */
const gateway: OrderGateway = {
  instrument: (instId) =>
    instId === "BTC-USDT"
      ? { instId, instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 }
      : undefined,
  place: async (o: OrderRequest & { clOrdId: string }): Promise<OrderAck> => ({
    ordId: String(++placed),
    clOrdId: o.clOrdId,
    code: "0",
    message: "",
  }),
  cancel: async () => ({ ordId: "", clOrdId: "", code: "51400", message: "no" }),
  amend: async () => ({ ordId: "", clOrdId: "", code: "51400", message: "no" }),
  get: async () => null,
};
let placed = 0;

let s: TestServer;
let admin: string;
let trader: string;
let engine: string;
let redis: Redis | undefined;
beforeAll(async () => {
  const redisUrl = NO_REDIS ? undefined : await testRedisUrl(13);
  s = await startTestServer(
    { RISK_MAX_NOTIONAL: "100000", RISK_MAX_OPEN_ORDERS: "200", ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
    { gateway },
  );
  admin = await s.token();
  trader = await s.userToken("tara", "trader");
  engine = await s.userToken("eng", "engine");
  if (redisUrl) redis = await inspect(redisUrl);
  exchangeEvent(s, { type: "ticker", channel: "tickers:BTC-USDT", data: { instId: "BTC-USDT", last: "40000" } });
}, 30_000);
afterAll(async () => {
  redis?.disconnect();
  await s?.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const publish = (token: string, body: unknown) =>
  fetch(`${s.url}/api/events`, { method: "POST", headers: auth(token), body: JSON.stringify(body) });
const placeOrder = (body: Record<string, string>) =>
  fetch(`${s.url}/api/orders`, { method: "POST", headers: auth(trader), body: JSON.stringify(body) });
const tenBtcAtMarket = { instId: "BTC-USDT", side: "buy", ordType: "market", sz: "10" };
const smallLimit = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "39000" };
const openOrders = async () =>
  ((await (await fetch(`${s.url}/api/orders`, { headers: auth(trader) })).json()) as { data: unknown[] }).data;
const fakeOrder = (i: number) => ({
  ordId: `9${i}`,
  clOrdId: `fake${i}`,
  instId: "BTC-USDT",
  side: "buy",
  ordType: "limit",
  px: "1",
  sz: "1",
  state: "live",
  uTime: Date.now(),
});

describe("POST /api/events", () => {
  test("a fake ticker does not move the notional check: the 10 BTC market order is refused at the real price", async () => {
    const fake = { type: "ticker", channel: "tickers:BTC-USDT", data: { instId: "BTC-USDT", last: "0.01" } };
    const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:BTC-USDT`, auth(trader));
    expect((await sse.next()).event).toBe("connected");
    const snapshot = await sse.next();
    const byEngine = await publish(engine, fake);
    expect((await publish(admin, fake)).status).toBe(201); // an admin may, marked as such
    const fakeOnStream = await sse.nextEvent();
    sse.close();

    const r = await placeOrder(tenBtcAtMarket);
    expect(r.status).toBe(422);
    expect(((await r.json()) as any).error.details[0].message).toBe(
      "notional_too_large: notional 400000 exceeds the maximum 100000",
    );
    const tickers = (await (await fetch(`${s.url}/api/market/tickers`, { headers: auth(trader) })).json()) as any;
    expect(tickers.data.map((t: any) => t.last)).toEqual(["40000"]);
    // Both reached the stream, each marked with who published it; an engine login may not publish it.
    expect(snapshot.json()).toMatchObject({ src: "exchange", data: { last: "40000" } });
    expect(fakeOnStream.json()).toMatchObject({ src: "http", data: { last: "0.01" } });
    expect(byEngine.status).toBe(403); // not an engine's to publish, as over the bridge
    expect(((await byEngine.json()) as any).error.details).toEqual([
      { field: "type", message: "type ticker is not an engine's to publish" },
    ]);
  });

  test("200 fake order events count as no open order: a real order still goes", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=orders`, auth(trader));
    expect((await sse.next()).event).toBe("connected");
    for (let i = 0; i < 200; i++)
      expect((await publish(engine, { type: "order", channel: "orders", data: fakeOrder(i) })).status).toBe(201);
    const seen = await sse.take(200);
    sse.close();
    expect((await placeOrder(smallLimit)).status).toBe(201);
    expect(await openOrders()).toEqual([]);
    expect(s.state.count("order")).toBe(0);
    expect(new Set(seen.map((e) => e.json().src))).toEqual(new Set(["http"]));
  });

  test("the history records the exchange's orders and fills, not a publisher's", async () => {
    const fill = (id: string) => ({
      ordId: id,
      instId: "BTC-USDT",
      tradeId: `t${id}`,
      side: "buy",
      fillPx: "1",
      fillSz: "1",
      ts: Date.now(),
    });
    expect((await publish(engine, { type: "fill", channel: "fills", data: fill("701") })).status).toBe(201);
    expect((await publish(admin, { type: "fill", channel: "fills", data: fill("702") })).status).toBe(201);
    exchangeEvent(s, { type: "fill", channel: "fills", data: fill("703") });
    expect((await s.history.flush()).empty).toBe(true);
    const fills = (await (await fetch(`${s.url}/api/fills`, { headers: auth(trader) })).json()) as any;
    expect(fills.data.map((f: any) => f.ordId)).toEqual(["703"]);
    const orders = (await (await fetch(`${s.url}/api/orders/history`, { headers: auth(trader) })).json()) as any;
    expect(orders.data).toEqual([]); // the 200 fake ones above are not there
  });
});

describe.skipIf(NO_REDIS)("the engine bridge", () => {
  test("200 fake order events from an engine reach the stream marked, and count as no open order", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=orders,tickers:*`, auth(trader));
    expect((await sse.next()).event).toBe("connected");
    const xadd = (f: Record<string, string>) => redis!.xadd("tw:engine:events", "*", ...Object.entries(f).flat());
    await xadd({ engineId: "fake-1", type: "ticker", channel: "tickers:BTC-USDT", data: '{"last":"0.01"}' }); // refused
    for (let i = 0; i < 200; i++)
      await xadd({ engineId: "fake-1", type: "order", channel: "orders", data: JSON.stringify(fakeOrder(1000 + i)) });
    const seen = [];
    while (seen.length < 200) {
      const ev = await sse.nextEvent();
      if (ev.event !== "snapshot") seen.push(ev.json());
    }
    sse.close();
    await eventually(async () =>
      (await fetch(`${s.url}/metrics`)).text().then((t) => t.includes('kind="not_allowed"')),
    );
    expect((await placeOrder(smallLimit)).status).toBe(201);
    expect((await placeOrder(tenBtcAtMarket)).status).toBe(422);
    expect(await openOrders()).toEqual([]);
    expect(seen.every((e) => e.type === "order" && e.src === "engine" && e.data.src === "engine")).toBe(true);
  }, 20_000);
});
