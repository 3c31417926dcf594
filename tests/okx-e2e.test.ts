// The embedded default end to end: simulator -> ingest Worker -> bus -> state and streams, and
// the order path back out (POST /api/orders -> WS trade op -> order events on the stream).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, openSse, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let trader: string;
beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT" });
  trader = await s.userToken("ted", "trader");
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 10_000);
});
afterAll(() => s.close());

const H = () => ({ Authorization: `Bearer ${trader}` });
const post = (body: unknown, key?: string) =>
  fetch(`${s.url}/api/orders`, {
    method: "POST",
    headers: { ...H(), "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
    body: JSON.stringify(body),
  });

test("market data flows from the simulator to stream clients, with exchange times", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*,books:*`, H());
  expect((await sse.next()).event).toBe("connected");
  const seen = new Set<string>();
  while (seen.size < 2) {
    const ev = await sse.nextEvent(5000);
    seen.add(ev.event);
    const j = ev.json();
    expect(j.ts.ex).toBeGreaterThan(0);
    expect(j.data.instId).toBe("BTC-USDT");
    if (ev.event === "book") expect(Number(j.data.bids[0][0])).toBeLessThan(Number(j.data.asks[0][0]));
  }
  expect([...seen].sort()).toEqual(["book", "ticker"]);
  sse.close();
  const tickers = (await (await fetch(`${s.url}/api/market/tickers`, { headers: H() })).json()) as any;
  expect(tickers.data[0].instId).toBe("BTC-USDT");
});

test("an order goes out by WS trade op, its updates come back on the stream, cancel works", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=orders`, H());
  await sse.next();
  const r = await post({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "1000" }, "e2e-1");
  expect(r.status).toBe(201);
  const placed = (await r.json()) as any;
  expect(placed.ordId).toMatch(/^\d+$/);
  expect(Object.keys(placed).filter((k) => /ms$|^via$/i.test(k))).toEqual([]); // timings are in /metrics, not the answer
  // Where the time went, in /metrics: the main thread's wait holds the WS round trip, which holds OKX's own time.
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  const series = (stage: string, what: "count" | "sum") =>
    Number(
      new RegExp(`^tradewire_order_seconds_${what}\\{op="place",stage="${stage}",via="ws"\\} (\\S+)$`, "m").exec(
        metrics,
      )?.[1],
    );
  expect(["total", "exchange_roundtrip", "exchange_internal"].map((st) => series(st, "count"))).toEqual([1, 1, 1]);
  expect(series("exchange_roundtrip", "sum")).toBeGreaterThan(0);
  expect(series("total", "sum")).toBeGreaterThanOrEqual(series("exchange_roundtrip", "sum"));
  expect(series("exchange_roundtrip", "sum")).toBeGreaterThanOrEqual(series("exchange_internal", "sum"));
  const live = await sse.nextEvent();
  expect(live.event).toBe("order");
  expect(live.json().data).toMatchObject({ ordId: placed.ordId, clOrdId: placed.clOrdId, state: "live" });

  // A retry with the same key does not place a second order.
  const again = await post({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "1000" }, "e2e-1");
  expect(again.status).toBe(200);
  expect(((await again.json()) as any).ordId).toBe(placed.ordId);
  const open = (await (await fetch(`${s.url}/api/orders`, { headers: H() })).json()) as any;
  expect(open.data.filter((o: any) => o.clOrdId === placed.clOrdId).length).toBe(1);

  const del = await fetch(`${s.url}/api/orders/${placed.ordId}`, { method: "DELETE", headers: H() });
  expect(del.status).toBe(200);
  const canceled = await sse.nextEvent();
  expect(canceled.json().data).toMatchObject({ ordId: placed.ordId, state: "canceled" });
  await eventually(
    async () => ((await (await fetch(`${s.url}/api/orders`, { headers: H() })).json()) as any).data.length === 0,
  );
  sse.close();
});

test("a market order fills: order, fill and balance events arrive", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=orders,fills,balances`, H());
  await sse.next();
  const r = await post({ instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.001" });
  expect(r.status).toBe(201);
  const { ordId } = (await r.json()) as any;
  const types = new Set<string>();
  let filled = false;
  while (!(filled && types.has("fill") && types.has("balance"))) {
    const ev = await sse.nextEvent(5000);
    types.add(ev.event);
    if (ev.event === "order" && ev.json().data.ordId === ordId && ev.json().data.state === "filled") filled = true;
  }
  sse.close();
});

test("a configured pair's swap takes orders (its rules are loaded, though its market data is not)", async () => {
  const r = await post({
    instId: "BTC-USDT-SWAP",
    side: "buy",
    ordType: "limit",
    sz: "1",
    px: "1000",
    tdMode: "cross",
  });
  expect(r.status).toBe(201);
  const { ordId } = (await r.json()) as { ordId: string };
  const del = await fetch(`${s.url}/api/orders/${ordId}?instId=BTC-USDT-SWAP`, { method: "DELETE", headers: H() });
  expect(del.status).toBe(200);
  // A market order has no price to be valued at: said as such.
  const m = await post({ instId: "BTC-USDT-SWAP", side: "buy", ordType: "market", sz: "1", tdMode: "cross" });
  expect(m.status).toBe(422);
  expect(((await m.json()) as any).error.details[0].message).toContain("no reference price");
});

test("the exchange refusing an order is a 422 with OKX's reason; unknown orders are 404", async () => {
  const r = await post({ instId: "BTC-USDT", side: "sell", ordType: "limit", sz: "2", px: "90000" });
  expect(r.status).toBe(422);
  const e = ((await r.json()) as any).error;
  expect(["risk_rejected", "insufficient_balance", "exchange_rejected"]).toContain(e.code);
  const d = await fetch(`${s.url}/api/orders/123456?instId=BTC-USDT`, { method: "DELETE", headers: H() });
  expect(d.status).toBe(404);
});

test("a dropped exchange connection: /ready says so, then recovers; streams keep going", async () => {
  await s.sim!.setFaults({ dropAll: true });
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 15_000);
  const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, H());
  await sse.next();
  expect((await sse.nextEvent(5000)).event).toBe("ticker");
  sse.close();
});
