// The history API over real HTTP against embedded ClickHouse (chDB): pages and cursors, time
// ranges, candles, validation, roles, and audit entries for order requests and commands.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Order } from "../src/domain/events.ts";
import { anOrder } from "./fixtures/order.ts";
import { exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let trader: string;
let viewer: string;
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

beforeAll(async () => {
  s = await startTestServer();
  expect(s.history.status()).toMatchObject({ mode: "chdb", ready: true });
  admin = await s.token();
  trader = await s.userToken("tina", "trader");
  viewer = await s.userToken("vic", "viewer");
  // 25 trades, one every 20 s from T0; two orders with three state changes; one fill.
  for (let i = 0; i < 25; i++)
    exchangeEvent(s, {
      type: "trade",
      channel: "trades:BTC-USDT",
      data: {
        instId: "BTC-USDT",
        tradeId: `t${i}`,
        px: `${100 + i}.5`,
        sz: "0.1",
        side: i % 2 ? "sell" : "buy",
        ts: T0 + i * 20_000,
      },
    });
  const order = (ordId: string, state: Order["state"], uTime: number, extra: Partial<Order> = {}) =>
    anOrder(ordId, { clOrdId: `c${ordId}`, state, fee: "", feeCcy: "", cTime: T0, uTime, ...extra });
  exchangeEvent(s, { type: "order", channel: "orders", data: order("11", "live", T0 + 1) });
  exchangeEvent(s, {
    type: "order",
    channel: "orders",
    data: order("11", "filled", T0 + 2, {
      accFillSz: "1",
      avgPx: "100",
      fillPx: "100",
      fillSz: "1",
      fillTime: T0 + 2,
      tradeId: "x1",
      fee: "-0.001",
      feeCcy: "BTC",
    }),
  });
  exchangeEvent(s, { type: "order", channel: "orders", data: order("12", "live", T0 + 3) });
  exchangeEvent(s, {
    type: "fill",
    channel: "fills",
    data: {
      ordId: "11",
      clOrdId: "c11",
      instId: "BTC-USDT",
      tradeId: "x1",
      side: "buy",
      fillPx: "100",
      fillSz: "1",
      fee: "-0.001",
      feeCcy: "BTC",
      execType: "M",
      ts: T0 + 2,
    },
  });
  // The account pushed every 20 s from T0 (its equity 1000, 1001, ...), and a malformed push.
  for (let i = 0; i < 20; i++)
    exchangeEvent(s, {
      type: "account",
      channel: "account",
      data: { totalEq: `${1000 + i}`, upl: `${i}.5`, imr: "0", mmr: "0", uTime: T0 + i * 20_000 },
    });
  exchangeEvent(s, { type: "account", channel: "account", data: { totalEq: "lots", upl: "0", uTime: T0 } });
  expect((await s.history.flush()).empty).toBe(true);
});
afterAll(() => s.close());

const get = async (path: string, token = admin) => {
  const r = await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as any };
};

test("trades page newest first; following `next` visits every trade once", async () => {
  const seen: string[] = [];
  let path = "/api/market/trades?instId=BTC-USDT&limit=10";
  let pages = 0;
  for (;;) {
    const { status, body } = await get(path, viewer);
    expect(status).toBe(200);
    pages++;
    seen.push(...body.data.map((t: any) => t.tradeId));
    if (!body.next) break;
    expect(body.next).not.toContain("{");
    path = `/api/market/trades?instId=BTC-USDT&limit=10&cursor=${encodeURIComponent(body.next)}`;
  }
  expect(pages).toBe(3);
  expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `t${24 - i}`));
  const first = (await get("/api/market/trades?instId=BTC-USDT&limit=1")).body.data[0];
  expect(first).toMatchObject({
    instId: "BTC-USDT",
    tradeId: "t24",
    px: "124.5",
    sz: "0.1",
    side: "buy",
    ts: T0 + 24 * 20_000,
  });
});

test("the newest page holds every trade put on the bus before the query, written or not (a client subscribes, then loads)", async () => {
  for (let i = 0; i < 5; i++) {
    const ts = Date.now();
    exchangeEvent(s, {
      type: "trade",
      channel: "trades:LIVE-USDT",
      data: { instId: "LIVE-USDT", tradeId: `now${i}`, px: `${2000 + i}`, sz: "1", side: "buy", ts },
    });
    const H = { Authorization: `Bearer ${viewer}` };
    const trades = (await (
      await fetch(`${s.url}/api/market/trades?instId=LIVE-USDT&limit=1`, { headers: H })
    ).json()) as {
      data: { tradeId: string }[];
    };
    expect(trades.data.map((t) => t.tradeId)).toEqual([`now${i}`]);
    const candles = (await (
      await fetch(`${s.url}/api/market/candles?instId=LIVE-USDT&bar=1m&limit=1`, { headers: H })
    ).json()) as { data: { c: string }[] };
    expect(candles.data[0]?.c).toBe(`${2000 + i}`);
  }
});

test("time ranges: from inclusive, to exclusive", async () => {
  const { body } = await get(`/api/market/trades?instId=BTC-USDT&from=${T0 + 20_000}&to=${T0 + 80_000}`);
  expect(body.data.map((t: any) => t.tradeId)).toEqual(["t3", "t2", "t1"]);
  expect((await get("/api/market/trades?instId=ETH-USDT")).body).toEqual({ data: [], next: null });
});

test("candles: 1m and 5m OHLCV from the recorded trades", async () => {
  const one = (await get(`/api/market/candles?instId=BTC-USDT&bar=1m&to=${T0 + 60_000}`, viewer)).body;
  expect(one.data).toEqual([
    {
      instId: "BTC-USDT",
      ts: T0,
      o: "100.5",
      h: "102.5",
      l: "100.5",
      c: "102.5",
      vol: "0.3",
      volCcy: "30.45",
      trades: 3,
      confirmed: true,
    },
  ]);
  const five = (await get("/api/market/candles?instId=BTC-USDT&bar=5m")).body;
  expect(five.data.map((c: any) => [c.ts, c.o, c.c, c.trades])).toEqual([
    [T0 + 300_000, "115.5", "124.5", 10],
    [T0, "100.5", "114.5", 15],
  ]);
  const paged = (await get("/api/market/candles?instId=BTC-USDT&bar=1m&limit=7")).body;
  const rest = (await get(`/api/market/candles?instId=BTC-USDT&bar=1m&limit=7&cursor=${paged.next}`)).body;
  expect([...paged.data, ...rest.data].map((c: any) => c.ts)).toEqual(
    Array.from({ length: 9 }, (_, i) => T0 + (8 - i) * 60_000),
  );
});

test("the account's equity over time: the first and last push of each bucket, paged, in a range; traders read it, viewers not", async () => {
  const to = T0 + 3_600_000; // the test server's own account pushes come now, not in 2024
  const five = (await get(`/api/account/equity?bar=5m&to=${to}`, trader)).body;
  expect(five).toEqual({
    data: [
      { ts: T0 + 300_000, openEq: "1015", totalEq: "1019", upl: "19.5" },
      { ts: T0, openEq: "1000", totalEq: "1014", upl: "14.5" },
    ],
    next: null,
  });
  const first = (await get(`/api/account/equity?bar=1m&to=${to}&limit=4`)).body;
  const rest = (await get(`/api/account/equity?bar=1m&to=${to}&limit=4&cursor=${first.next}`)).body;
  expect([...first.data, ...rest.data].map((p: any) => [p.ts, p.totalEq])).toEqual(
    Array.from({ length: 7 }, (_, i) => [T0 + (6 - i) * 60_000, `${1000 + Math.min(19, (6 - i) * 3 + 2)}`]),
  );
  const range = (await get(`/api/account/equity?bar=1m&from=${T0 + 60_000}&to=${T0 + 180_000}`)).body;
  expect(range.data.map((p: any) => p.totalEq)).toEqual(["1008", "1005"]);
  expect((await get("/api/account/equity", viewer)).status).toBe(403);
  expect((await get("/api/account/equity?bar=2m")).status).toBe(400);
});

test("order history (routed before /api/orders/:id) has every state change; fills filter by order", async () => {
  const { status, body } = await get("/api/orders/history", trader);
  expect(status).toBe(200);
  expect(body.data.map((o: any) => [o.ordId, o.state])).toEqual([
    ["12", "live"],
    ["11", "filled"],
    ["11", "live"],
  ]);
  expect(body.data[1]).toMatchObject({
    clOrdId: "c11",
    px: "100",
    avgPx: "100",
    fillSz: "1",
    fee: "-0.001",
    uTime: T0 + 2,
    cTime: T0,
    fillTime: T0 + 2,
  });
  expect(body.data[2]).toMatchObject({ avgPx: null, fillPx: null });
  expect((await get("/api/orders/history?ordId=c11&state=live")).body.data).toHaveLength(1);
  const fills = await get("/api/fills?ordId=11", trader);
  expect(fills.body.data).toEqual([
    expect.objectContaining({ ordId: "11", fillPx: "100", fillSz: "1", ts: T0 + 2, execType: "M" }),
  ]);
  expect((await get("/api/fills?ordId=12")).body.data).toEqual([]);
});

test("bad input is a 400 in the one error shape, naming the field", async () => {
  const cases: Array<[string, string]> = [
    ["/api/market/trades?instId=BTC-USDT&limit=0", "query.limit"],
    ["/api/market/trades?instId=BTC-USDT&limit=1001", "query.limit"],
    ["/api/market/trades", "query.instId"],
    ["/api/market/trades?instId=BTC-USDT&from=10&to=5", "query.from"],
    ["/api/market/trades?instId=BTC-USDT&cursor=bm90LWEtY3Vyc29y", "query.cursor"],
    ["/api/market/candles?instId=BTC-USDT&bar=7m", "query.bar"],
    ["/api/orders/history?state=open", "query.state"],
    ["/api/audit?action=DROP%20TABLE", "query.action"],
    ["/api/fills?extra=1", "query"],
  ];
  for (const [path, field] of cases) {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d: any) => d.field).join(" ")).toContain(field);
  }
  // A cursor from another endpoint is refused too.
  const next = (await get("/api/market/trades?instId=BTC-USDT&limit=1")).body.next;
  expect((await get(`/api/fills?cursor=${next}`)).status).toBe(400);
});

test("roles: viewers read market history only; the audit log is for admins", async () => {
  expect((await get("/api/market/trades?instId=BTC-USDT", viewer)).status).toBe(200);
  expect((await get("/api/market/candles?instId=BTC-USDT", viewer)).status).toBe(200);
  for (const p of ["/api/orders/history", "/api/fills", "/api/audit"]) expect((await get(p, viewer)).status).toBe(403);
  expect((await get("/api/audit", trader)).status).toBe(403);
  expect((await fetch(`${s.url}/api/market/trades?instId=BTC-USDT`)).status).toBe(401);
});

test("order requests and commands land in the audit log: who, what, result, latency", async () => {
  // No exchange in this server: the order is refused, and that refusal is what gets audited.
  const r = await fetch(`${s.url}/api/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${trader}`, "Content-Type": "application/json" },
    body: JSON.stringify({ instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "100" }),
  });
  expect(r.status).toBeGreaterThanOrEqual(400);
  const refused = ((await r.json()) as any).error.code;
  const cmd = await fetch(`${s.url}/api/commands`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "kill_switch", on: false }),
  });
  expect(cmd.status).toBe(201);
  await s.history.flush();
  const { body } = await get("/api/audit");
  // A command is a row per state change (pending, then done), newest first.
  expect(body.data.map((a: any) => [a.user, a.action, a.status, a.code]).sort()).toEqual([
    ["admin", "command.kill_switch", 200, "ok"],
    ["admin", "command.kill_switch", 202, "pending"],
    ["tina", "order.place", r.status, refused],
  ]);
  const placed = body.data.find((a: any) => a.action === "order.place");
  expect(placed).toMatchObject({ target: "BTC-USDT", detail: { side: "buy", sz: "0.01", px: "100" } });
  expect(placed.ms).toBeGreaterThanOrEqual(0);
  expect(body.data.find((a: any) => a.code === "ok")).toMatchObject({
    target: "on=false",
    detail: { params: { on: false }, result: { killSwitch: false } },
  });
  expect((await get("/api/audit?user=tina")).body.data).toHaveLength(1);
  expect((await get(`/api/audit?user=${encodeURIComponent("x' OR '1'='1")}`)).body.data).toEqual([]);
});

test("the routes are in /openapi.json and the recorder's figures in /metrics", async () => {
  const spec = (await (await fetch(`${s.url}/openapi.json`)).json()) as any;
  for (const p of ["/api/orders/history", "/api/fills", "/api/market/trades", "/api/market/candles", "/api/audit"])
    expect(spec.paths[p]?.get).toBeDefined();
  const text = await (await fetch(`${s.url}/metrics`)).text();
  expect(text).toContain('recorder_rows_written_total{table="trades"} 30'); // 25 from the start, 5 from the newest-page test
  expect(text).toContain('recorder_rows_written_total{table="orders"} 3');
  expect(text).toContain("clickhouse_up 1");
});
