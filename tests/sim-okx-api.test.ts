// The unmodified npm client okx-api (tiagosiebler) against the simulator: RestClient with
// `baseUrl`, WebsocketClient / WebsocketAPIClient with `wsUrl` (one URL per client instance,
// since okx-api's wsUrl replaces the public, private and business URLs alike).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RestClient, WebsocketAPIClient, WebsocketClient } from "okx-api";
import { type Simulator, startSimulator } from "../src/sim/index.ts";

let sim: Simulator;
let rest: RestClient;
const wsClients: WebsocketClient[] = [];
const errors: unknown[] = [];
const logger = { trace: () => {}, info: () => {}, error: (...a: unknown[]) => errors.push(a) };

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, tickMs: 50, candleMs: 100, rateLimits: false });
  const c = sim.credentials;
  rest = new RestClient({
    apiKey: c.apiKey,
    apiSecret: c.secretKey,
    apiPass: c.passphrase,
    baseUrl: sim.url,
    demoTrading: true,
  });
});
afterAll(async () => {
  for (const w of wsClients) w.closeAll(true);
  await sim.stop();
});

function accounts() {
  return [
    { apiKey: sim.credentials.apiKey, apiSecret: sim.credentials.secretKey, apiPass: sim.credentials.passphrase },
  ];
}

/** Resolves with the first event of `name` that passes `test`. */
function once(
  ws: WebsocketClient,
  name: "update" | "response" | "authenticated" | "exception",
  test: (e: any) => boolean,
  timeoutMs = 10_000,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`okx-api: no ${name} event in time; errors: ${JSON.stringify(errors).slice(0, 500)}`)),
      timeoutMs,
    );
    const on = (e: any) => {
      if (!test(e)) return;
      clearTimeout(t);
      ws.off(name, on);
      resolve(e);
    };
    ws.on(name, on);
  });
}

async function bid(instId: string): Promise<number> {
  const book = await rest.getOrderBook({ instId, sz: "1" });
  return Number(book[0]!.bids[0]![0]);
}

describe("okx-api RestClient", () => {
  test("public: time, instruments, ticker, order book, candles", async () => {
    const time = await rest.getSystemTime({});
    expect(Number(time[0]!.ts)).toBeGreaterThan(0);
    const inst = await rest.getInstruments({ instType: "SWAP" });
    expect(inst.map((i) => i.instId)).toEqual(["BTC-USDT-SWAP", "ETH-USDT-SWAP"]);
    const tk = await rest.getTicker({ instId: "BTC-USDT" });
    expect(Number(tk[0]!.bidPx)).toBeLessThan(Number(tk[0]!.askPx));
    const book = await rest.getOrderBook({ instId: "ETH-USDT", sz: "10" });
    expect(book[0]!.asks.length).toBe(10);
    const candles = await rest.getCandles({ instId: "BTC-USDT", bar: "1m", limit: "5" });
    expect(candles.length).toBe(5);
  });

  test("private: balance, single and batch orders, amend, query, cancel, history, positions", async () => {
    const bal = await rest.getBalance({ ccy: "USDT" });
    expect(bal[0]!.details[0]!.ccy).toBe("USDT");
    const px = (await bid("BTC-USDT")) - 100;
    const placed = await rest.submitOrder({
      instId: "BTC-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px: px.toFixed(1),
      clOrdId: "okxapi1",
    });
    expect(placed[0]).toMatchObject({ clOrdId: "okxapi1", sCode: "0", tag: "159881cb7207BCDE" });
    const ordId = placed[0]!.ordId;
    const amended = await rest.amendOrder({ instId: "BTC-USDT", ordId, newPx: (px - 1).toFixed(1) });
    expect(amended[0]!.sCode).toBe("0");
    const details = await rest.getOrderDetails({ instId: "BTC-USDT", ordId });
    expect(details[0]!.state).toBe("live");
    // Compared as numbers: prices come without trailing zeros ("42893", not "42893.0").
    expect(Number(details[0]!.px).toFixed(1)).toBe((px - 1).toFixed(1));
    const pending = await rest.getOrderList({ instType: "SPOT" });
    expect(pending.map((o) => o.ordId)).toContain(ordId);
    const batch = await rest.submitMultipleOrders([
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px: (px - 2).toFixed(1) },
      { instId: "BTC-USDT-SWAP", tdMode: "cross", side: "buy", ordType: "market", sz: "2" },
    ]);
    expect(batch.map((b) => b.sCode)).toEqual(["0", "0"]);
    const canceled = await rest.cancelMultipleOrders([
      { instId: "BTC-USDT", ordId },
      { instId: "BTC-USDT", ordId: batch[0]!.ordId },
    ]);
    expect(canceled.map((c) => c.sCode)).toEqual(["0", "0"]);
    const hist = await rest.getOrderHistory({ instType: "SPOT" });
    expect(hist.find((o) => o.ordId === ordId)?.state).toBe("canceled");
    const pos = await rest.getPositions({ instType: "SWAP" });
    expect(pos[0]).toMatchObject({ instId: "BTC-USDT-SWAP", pos: "2" });
    const one = await rest.cancelOrder({ instId: "BTC-USDT-SWAP", ordId: batch[1]!.ordId }).catch((e: unknown) => e);
    expect(one).toMatchObject({ code: "1", data: [{ sCode: "51402" }] });
  });

  test("errors come back in OKX shapes: duplicate clOrdId, unknown order, bad credentials", async () => {
    const px = ((await bid("ETH-USDT")) - 20).toFixed(2);
    await rest.submitOrder({
      instId: "ETH-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px,
      clOrdId: "dupokx",
    });
    const dup = await rest
      .submitOrder({
        instId: "ETH-USDT",
        tdMode: "cash",
        side: "buy",
        ordType: "limit",
        sz: "0.01",
        px,
        clOrdId: "dupokx",
      })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "1", data: [{ sCode: "51016" }] });
    const missing = await rest.getOrderDetails({ instId: "ETH-USDT", ordId: "1" }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "51603" });
    const bad = new RestClient({ apiKey: "x", apiSecret: "y", apiPass: "z", baseUrl: sim.url });
    expect(await bad.getBalance().catch((e: unknown) => e)).toMatchObject({ code: "50111" });
  });
});

describe("okx-api WebsocketClient", () => {
  test("public channels: tickers and books", async () => {
    const ws = new WebsocketClient({ wsUrl: `${sim.wsUrl}/public` }, logger);
    wsClients.push(ws);
    const ticker = once(ws, "update", (e) => e.arg?.channel === "tickers");
    const book = once(ws, "update", (e) => e.arg?.channel === "books" && e.action === "snapshot");
    ws.subscribe([
      { channel: "tickers", instId: "BTC-USDT" },
      { channel: "books", instId: "BTC-USDT" },
    ]);
    expect((await ticker).data[0].instId).toBe("BTC-USDT");
    expect((await book).data[0].prevSeqId).toBe(-1);
    const upd = await once(ws, "update", (e) => e.arg?.channel === "books" && e.action === "update");
    expect(typeof upd.data[0].seqId).toBe("number");
  });

  test("business channel: candles", async () => {
    const ws = new WebsocketClient({ wsUrl: `${sim.wsUrl}/business` }, logger);
    wsClients.push(ws);
    const candle = once(ws, "update", (e) => e.arg?.channel === "candle1m");
    ws.subscribe({ channel: "candle1m", instId: "ETH-USDT" });
    expect((await candle).data[0].length).toBe(9);
  });

  test("private channels after login: orders push for a REST order, account snapshot", async () => {
    const ws = new WebsocketClient({ wsUrl: `${sim.wsUrl}/private`, accounts: accounts() }, logger);
    wsClients.push(ws);
    const authed = once(ws, "authenticated", () => true);
    const account = once(ws, "update", (e) => e.arg?.channel === "account");
    const subscribed = once(ws, "response", (e) => e.event === "subscribe" && e.arg?.channel === "orders");
    ws.subscribe([{ channel: "orders", instType: "ANY" }, { channel: "account" }]);
    await authed;
    await subscribed;
    expect((await account).data[0].details.length).toBeGreaterThan(0);
    const pushed = once(ws, "update", (e) => e.arg?.channel === "orders" && e.data[0].clOrdId === "okxapiws1");
    const px = ((await bid("ETH-USDT")) - 30).toFixed(2);
    await rest.submitOrder({
      instId: "ETH-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px,
      clOrdId: "okxapiws1",
    });
    expect((await pushed).data[0].state).toBe("live");
  });

  test("a refused login surfaces as an exception", async () => {
    const ws = new WebsocketClient(
      { wsUrl: `${sim.wsUrl}/private`, accounts: [{ apiKey: "x", apiSecret: "y", apiPass: "z" }] },
      logger,
    );
    wsClients.push(ws);
    const ex = once(ws, "exception", (e) => e.event === "error" || e.code !== undefined);
    ws.subscribe({ channel: "orders", instType: "ANY" });
    expect((await ex).code).toBe("60005");
    ws.closeAll(true);
  });
});

describe("okx-api WebsocketAPIClient (WS trade ops)", () => {
  test("order, batch-orders, amend-order, cancel-order resolve; a rejected order rejects", async () => {
    const api = new WebsocketAPIClient(
      { wsUrl: `${sim.wsUrl}/private`, accounts: accounts(), attachEventListeners: false },
      logger,
    );
    const ws = api.getWSClient();
    wsClients.push(ws);
    // Log in before the first op. When an op opens the connection, okx-api signs a login twice
    // (from onWsOpen and from sendWSAPIRequest); if the first login's reply lands before the second
    // signature is ready, the second login is answered 60010 (already logged in, as OKX does) and
    // okx-api waits for a login event that never comes, so the op is never sent.
    const authed = once(ws, "authenticated", () => true);
    ws.connectPrivate();
    await authed;
    const px = (await bid("BTC-USDT")) - 150;
    const placed: any = await api.submitNewOrder({
      instId: "BTC-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px: px.toFixed(1),
    });
    expect(placed).toMatchObject({ op: "order", code: "0" });
    const ordId = placed.data[0].ordId as string;
    const amended: any = await api.amendOrder({ instId: "BTC-USDT", ordId, newSz: "0.02" });
    expect(amended.data[0].sCode).toBe("0");
    const batch: any = await api.submitMultipleOrders([
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px: (px - 1).toFixed(1) },
      { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.01", px: (px - 2).toFixed(1) },
    ]);
    expect(batch.data.map((d: any) => d.sCode)).toEqual(["0", "0"]);
    const canceled: any = await api.cancelOrder({ instId: "BTC-USDT", ordId });
    expect(canceled).toMatchObject({ op: "cancel-order", code: "0" });
    const many: any = await api.cancelMultipleOrders(
      batch.data.map((d: any) => ({ instId: "BTC-USDT", ordId: d.ordId })),
    );
    expect(many.code).toBe("0");
    const rejected = await api
      .submitNewOrder({
        instId: "BTC-USDT",
        tdMode: "cash",
        side: "buy",
        ordType: "limit",
        sz: "1000",
        px: px.toFixed(1),
      })
      .catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: "1", data: [{ sCode: "51008" }] });
  });
});
