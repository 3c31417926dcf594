// The unmodified npm client ccxt (okx, REST and pro WebSocket) against the simulator: urls.api.rest
// and urls.api.ws point at the sim; ccxt needs `await loadHttpProxyAgent()` once before it opens
// plain ws:// URLs (a documented ccxt method; without it ccxt throws NotSupported).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ccxt from "ccxt";
import { type Simulator, startSimulator } from "../src/sim/index.ts";

let sim: Simulator;
let ex: InstanceType<typeof ccxt.pro.okx>;

function client(creds = sim.credentials) {
  return new ccxt.pro.okx({
    apiKey: creds.apiKey,
    secret: creds.secretKey,
    password: creds.passphrase,
    urls: { api: { rest: sim.url, ws: sim.wsUrl } } as any,
  });
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 33, tickMs: 50, candleMs: 100 });
  ex = client();
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
});
afterAll(async () => {
  await ex.close();
  await sim.stop();
});

function total(b: object, ccy: string): number {
  return Number((b as { total: Record<string, number> }).total[ccy]);
}

async function bid(symbol: string): Promise<number> {
  return (await ex.fetchOrderBook(symbol, 1)).bids[0]![0]!;
}

describe("ccxt okx REST", () => {
  test("markets, ticker, order book, balance", async () => {
    expect(Object.keys(ex.markets!).sort()).toEqual(["BTC/USDT", "BTC/USDT:USDT", "ETH/USDT", "ETH/USDT:USDT"]);
    expect(ex.markets!["BTC/USDT:USDT"]!.contractSize).toBe(0.01);
    const t = await ex.fetchTicker("ETH/USDT");
    expect(t.bid!).toBeLessThan(t.ask!);
    const ob = await ex.fetchOrderBook("BTC/USDT", 20);
    expect(ob.asks.length).toBe(20);
    const bal = await ex.fetchBalance();
    expect(total(bal, "USDT")).toBe(100_000);
  });

  test("create (batch-orders path), fetch, edit, list, cancel; batch create and cancel; closed orders", async () => {
    const px = (await bid("BTC/USDT")) - 100;
    const o = await ex.createOrder("BTC/USDT", "limit", "buy", 0.01, px);
    expect(o.id).toBeTruthy();
    expect((await ex.fetchOrder(o.id!, "BTC/USDT")).status).toBe("open");
    const edited = await ex.editOrder(o.id!, "BTC/USDT", "limit", "buy", 0.02, px - 1);
    expect(edited.id).toBe(o.id);
    const after = await ex.fetchOrder(o.id!, "BTC/USDT");
    expect(after.amount).toBe(0.02);
    expect(after.price).toBe(px - 1);
    expect((await ex.fetchOpenOrders("BTC/USDT")).map((x) => x.id)).toContain(o.id);
    await ex.cancelOrder(o.id!, "BTC/USDT");
    expect((await ex.fetchOrder(o.id!, "BTC/USDT")).status).toBe("canceled");
    const many = await ex.createOrders([
      { symbol: "ETH/USDT", type: "limit", side: "buy", amount: 0.1, price: (await bid("ETH/USDT")) - 10 },
      { symbol: "ETH/USDT", type: "limit", side: "buy", amount: 0.1, price: (await bid("ETH/USDT")) - 11 },
    ]);
    expect(many.length).toBe(2);
    await ex.cancelOrders(
      many.map((m) => m.id!),
      "ETH/USDT",
    );
    const closed = await ex.fetchClosedOrders("ETH/USDT");
    expect(closed.filter((c) => many.some((m) => m.id === c.id)).every((c) => c.status === "canceled")).toBe(true);
  });

  test("market orders fill: spot balance and swap position change", async () => {
    const before = total(await ex.fetchBalance(), "ETH");
    await ex.createOrder("ETH/USDT", "market", "buy", 0.5);
    const afterBal = total(await ex.fetchBalance(), "ETH");
    expect(afterBal - before).toBeCloseTo(0.5 * (1 - 0.001), 6);
    await ex.createOrder("ETH/USDT:USDT", "market", "sell", 3);
    const pos = await ex.fetchPositions(["ETH/USDT:USDT"]);
    expect(pos[0]).toMatchObject({ symbol: "ETH/USDT:USDT", side: "short", contracts: 3 });
  });

  test("errors map to ccxt classes", async () => {
    const px = (await bid("BTC/USDT")) - 100;
    await expect(ex.createOrder("BTC/USDT", "limit", "buy", 100, px)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.fetchOrder("123", "BTC/USDT")).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.cancelOrder("123", "BTC/USDT")).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    const bad = client({ ...sim.credentials, secretKey: "wrong" });
    await expect(bad.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await bad.close();
  });
});

describe("ccxt okx pro WebSocket", () => {
  test("watchTicker, watchOrderBook (seqId chain kept across updates), watchOHLCV on /business", async () => {
    const t = await ex.watchTicker("BTC/USDT:USDT");
    expect(t.symbol).toBe("BTC/USDT:USDT");
    let ob = await ex.watchOrderBook("BTC/USDT");
    const first = ob.nonce!;
    for (let i = 0; i < 5; i++) ob = await ex.watchOrderBook("BTC/USDT");
    expect(ob.nonce!).toBeGreaterThan(first);
    expect(ob.bids[0]![0]!).toBeLessThan(ob.asks[0]![0]!);
    const ohlcv = await ex.watchOHLCV("ETH/USDT", "1m");
    expect(ohlcv[ohlcv.length - 1]!.length).toBe(6);
  });

  test("a sequence gap makes ccxt's watchOrderBook reject with InvalidNonce", async () => {
    const w = client();
    await w.loadHttpProxyAgent();
    await w.loadMarkets();
    await w.watchOrderBook("ETH/USDT");
    sim.faults.sequenceGap("ETH-USDT");
    let error: unknown;
    for (let i = 0; i < 50 && !error; i++) await w.watchOrderBook("ETH/USDT").catch((e: unknown) => (error = e));
    expect(error).toBeInstanceOf(ccxt.InvalidNonce);
    await w.close();
  });

  test("login, watchOrders and watchBalance see WS trade ops (createOrderWs, editOrderWs, cancelOrderWs)", async () => {
    const orders = ex.watchOrders("BTC/USDT");
    await Bun.sleep(100);
    const px = (await bid("BTC/USDT")) - 120;
    const placed = await ex.createOrderWs("BTC/USDT", "limit", "buy", 0.01, px);
    expect(placed.id).toBeTruthy();
    const seen = await orders;
    expect(seen.some((o) => o.id === placed.id && o.status === "open")).toBe(true);
    const edited = await ex.editOrderWs(placed.id!, "BTC/USDT", "limit", "buy", 0.03, px);
    expect(edited.id).toBe(placed.id);
    const canceled = await ex.cancelOrderWs(placed.id!, "BTC/USDT");
    expect(canceled.id).toBe(placed.id);
    let state = "";
    for (let i = 0; i < 20 && state !== "canceled"; i++) {
      const list = await ex.watchOrders("BTC/USDT");
      state = list.find((o) => o.id === placed.id)?.status ?? "";
    }
    expect(state).toBe("canceled");
    const balance = ex.watchBalance();
    await Bun.sleep(100);
    await ex.createOrderWs("ETH/USDT", "market", "sell", 0.1);
    expect(total(await balance, "USDT")).toBeGreaterThan(0);
  });
});
