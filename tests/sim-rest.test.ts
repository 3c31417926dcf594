// The simulator's REST API over real HTTP: signing, market data, trading, balances and OKX errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { restAuthHeaders } from "../src/okx/sign.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { get, signed } from "./sim-helpers.ts";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, tickMs: 0, balances: { USDT: 100_000, BTC: 2, ETH: 10 } });
});
afterAll(() => sim.stop());

async function bestBid(instId = "BTC-USDT"): Promise<number> {
  const { json } = await get(sim, `/api/v5/market/books?instId=${instId}&sz=5`);
  return Number(json.data[0].bids[0][0]);
}

describe("signing", () => {
  test("a correctly signed call is accepted, with or without x-simulated-trading", async () => {
    expect((await signed(sim, "GET", "/api/v5/account/balance?ccy=BTC,USDT")).json.code).toBe("0");
    const h = restAuthHeaders(sim.credentials, "GET", "/api/v5/account/balance");
    const r = await fetch(`${sim.url}/api/v5/account/balance`, { headers: h });
    expect(r.status).toBe(200);
  });

  test("bad sign, bad timestamp, wrong key and missing headers answer 401 with the OKX code", async () => {
    const path = "/api/v5/account/balance";
    const h = restAuthHeaders(sim.credentials, "GET", path);
    const call = async (headers: Record<string, string>) => {
      const r = await fetch(sim.url + path, { headers });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect(await call({ ...h, "OK-ACCESS-SIGN": "AAAA" })).toEqual({
      status: 401,
      body: { msg: "Invalid Sign", code: "50113" },
    });
    expect(
      (await call(restAuthHeaders(sim.credentials, "GET", path, "", { nowMs: Date.now() - 120_000 }))).body.code,
    ).toBe("50102");
    expect((await call({ ...h, "OK-ACCESS-TIMESTAMP": "yesterday" })).body.code).toBe("50112");
    expect((await call({ ...h, "OK-ACCESS-KEY": "someone-else" })).body.code).toBe("50111");
    expect((await call({})).body.code).toBe("50103");
    const wrongSecret = await signed(sim, "GET", path, undefined, { ...sim.credentials, secretKey: "nope" });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json.code).toBe("50113");
  });

  test("the signature covers the body of POST requests", async () => {
    const path = "/api/v5/trade/cancel-order";
    const h = restAuthHeaders(sim.credentials, "POST", path, '{"instId":"BTC-USDT","ordId":"1"}');
    const r = await fetch(sim.url + path, { method: "POST", headers: h, body: '{"instId":"BTC-USDT","ordId":"2"}' });
    expect(r.status).toBe(401);
  });
});

describe("public data", () => {
  test("time, instruments (SPOT and SWAP with ctVal), other types empty", async () => {
    const t = await get(sim, "/api/v5/public/time");
    expect(Math.abs(Number(t.json.data[0].ts) - Date.now())).toBeLessThan(60_000);
    const spot = (await get(sim, "/api/v5/public/instruments?instType=SPOT")).json.data;
    expect(spot.map((i: any) => i.instId)).toEqual(["BTC-USDT", "ETH-USDT"]);
    expect(spot[0]).toMatchObject({ baseCcy: "BTC", quoteCcy: "USDT", tickSz: "0.1", state: "live" });
    const swap = (await get(sim, "/api/v5/public/instruments?instType=SWAP")).json.data;
    expect(swap[0]).toMatchObject({
      instId: "BTC-USDT-SWAP",
      ctVal: "0.01",
      ctValCcy: "BTC",
      settleCcy: "USDT",
      ctType: "linear",
    });
    expect((await get(sim, "/api/v5/public/instruments?instType=OPTION&uly=BTC-USD")).json).toEqual({
      code: "0",
      msg: "",
      data: [],
    });
    expect((await get(sim, "/api/v5/public/instruments")).json.code).toBe("50014");
  });

  test("tickers and books are consistent and sorted", async () => {
    const tickers = (await get(sim, "/api/v5/market/tickers?instType=SPOT")).json.data;
    expect(tickers.length).toBe(2);
    const tk = (await get(sim, "/api/v5/market/ticker?instId=BTC-USDT")).json.data[0];
    const b = (await get(sim, "/api/v5/market/books?instId=BTC-USDT&sz=20")).json.data[0];
    expect(b.bids.length).toBe(20);
    expect(tk.bidPx).toBe(b.bids[0][0]);
    expect(tk.askPx).toBe(b.asks[0][0]);
    expect(Number(b.bids[0][0])).toBeLessThan(Number(b.asks[0][0]));
    for (let i = 1; i < 20; i++) {
      expect(Number(b.bids[i][0])).toBeLessThan(Number(b.bids[i - 1][0]));
      expect(Number(b.asks[i][0])).toBeGreaterThan(Number(b.asks[i - 1][0]));
    }
    expect((await get(sim, "/api/v5/market/ticker?instId=NOPE-USDT")).json).toEqual({
      code: "51001",
      msg: "Instrument ID does not exist",
      data: [],
    });
    const c = (await get(sim, "/api/v5/market/candles?instId=BTC-USDT&bar=1H&limit=3")).json.data;
    expect(c.length).toBe(3);
    expect(c[0].length).toBe(9);
  });
});

describe("trading", () => {
  test("place a resting limit order, amend it, see it pending, cancel it, see it in history", async () => {
    const bid = await bestBid();
    const px = (bid - 100).toFixed(1);
    const placed = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "BTC-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.01",
      px,
      clOrdId: "rest1",
    });
    expect(placed.json).toMatchObject({
      code: "0",
      msg: "",
      data: [{ clOrdId: "rest1", sCode: "0", sMsg: "Order placed" }],
    });
    expect(typeof placed.json.inTime).toBe("string");
    const ordId = placed.json.data[0].ordId as string;
    const bal = (await signed(sim, "GET", "/api/v5/account/balance?ccy=USDT")).json.data[0].details[0];
    expect(Number(bal.ordFrozen)).toBeCloseTo(Number(px) * 0.01, 6);

    const amended = await signed(sim, "POST", "/api/v5/trade/amend-order", {
      instId: "BTC-USDT",
      ordId,
      newSz: "0.02",
      reqId: "a1",
    });
    expect(amended.json.data[0]).toMatchObject({ ordId, sCode: "0", reqId: "a1" });
    const one = (await signed(sim, "GET", `/api/v5/trade/order?instId=BTC-USDT&ordId=${ordId}`)).json.data[0];
    expect(one).toMatchObject({ ordId, clOrdId: "rest1", sz: "0.02", px, state: "live", accFillSz: "0" });
    const byCl = (await signed(sim, "GET", `/api/v5/trade/order?instId=BTC-USDT&clOrdId=rest1`)).json.data[0];
    expect(byCl.ordId).toBe(ordId);
    const pending = (await signed(sim, "GET", "/api/v5/trade/orders-pending?instType=SPOT")).json.data;
    expect(pending.map((o: any) => o.ordId)).toContain(ordId);

    const canceled = await signed(sim, "POST", "/api/v5/trade/cancel-order", { instId: "BTC-USDT", ordId });
    expect(canceled.json).toMatchObject({ code: "0", data: [{ ordId, sCode: "0" }] });
    const hist = (await signed(sim, "GET", "/api/v5/trade/orders-history?instType=SPOT")).json.data;
    expect(hist.find((o: any) => o.ordId === ordId)).toMatchObject({ state: "canceled" });
    expect((await signed(sim, "GET", "/api/v5/trade/orders-pending")).json.data.map((o: any) => o.ordId)).not.toContain(
      ordId,
    );
  });

  test("a market order fills, charges a negative fee and changes balances", async () => {
    const before = (await signed(sim, "GET", "/api/v5/account/balance?ccy=BTC,USDT")).json.data[0].details;
    const usdt0 = Number(before.find((d: any) => d.ccy === "USDT").cashBal);
    const btc0 = Number(before.find((d: any) => d.ccy === "BTC").cashBal);
    const r = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "BTC-USDT",
      tdMode: "cash",
      side: "sell",
      ordType: "market",
      sz: "0.1",
    });
    expect(r.json.code).toBe("0");
    const o = (await signed(sim, "GET", `/api/v5/trade/order?instId=BTC-USDT&ordId=${r.json.data[0].ordId}`)).json
      .data[0];
    expect(o).toMatchObject({ state: "filled", accFillSz: "0.1", feeCcy: "USDT" });
    expect(Number(o.fee)).toBeLessThan(0);
    const after = (await signed(sim, "GET", "/api/v5/account/balance?ccy=BTC,USDT")).json.data[0].details;
    expect(Number(after.find((d: any) => d.ccy === "BTC").cashBal)).toBeCloseTo(btc0 - 0.1, 8);
    const gained = Number(after.find((d: any) => d.ccy === "USDT").cashBal) - usdt0;
    expect(gained).toBeCloseTo(Number(o.avgPx) * 0.1 + Number(o.fee), 4);
    const fills = (await signed(sim, "GET", `/api/v5/trade/fills?instId=BTC-USDT&ordId=${o.ordId}`)).json.data;
    expect(fills.length).toBeGreaterThan(0);
  });

  test('python-okx style bodies: every field sent, unset ones as "" or null', async () => {
    const body = {
      instId: "ETH-USDT",
      tdMode: "cash",
      side: "buy",
      ordType: "market",
      sz: "50",
      ccy: "",
      clOrdId: "",
      tag: "",
      posSide: "",
      px: "",
      reduceOnly: "",
      tgtCcy: "",
      stpMode: "",
      attachAlgoOrds: null,
    };
    const r = await signed(sim, "POST", "/api/v5/trade/order", body);
    expect(r.json.data[0].sCode).toBe("0");
    const o = (await signed(sim, "GET", `/api/v5/trade/order?instId=ETH-USDT&ordId=${r.json.data[0].ordId}`)).json
      .data[0];
    expect(o).toMatchObject({ state: "filled", tgtCcy: "quote_ccy", sz: "50" });
  });

  test("swap market order opens a position", async () => {
    const r = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "BTC-USDT-SWAP",
      tdMode: "cross",
      side: "buy",
      ordType: "market",
      sz: "5",
    });
    expect(r.json.code).toBe("0");
    const pos = (await signed(sim, "GET", "/api/v5/account/positions?instType=SWAP")).json.data;
    expect(pos[0]).toMatchObject({ instId: "BTC-USDT-SWAP", pos: "5", posSide: "net", mgnMode: "cross" });
    const close = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "BTC-USDT-SWAP",
      tdMode: "cross",
      side: "sell",
      ordType: "market",
      sz: "5",
      reduceOnly: true,
    });
    expect(close.json.code).toBe("0");
    expect((await signed(sim, "GET", "/api/v5/account/positions")).json.data).toEqual([]);
  });

  test("leverage per swap: set, read back, on the position and its orders; refusals in OKX's codes", async () => {
    const set = (b: Record<string, unknown>) => signed(sim, "POST", "/api/v5/account/set-leverage", b);
    const info = async () =>
      (await signed(sim, "GET", "/api/v5/account/leverage-info?instId=ETH-USDT-SWAP&mgnMode=cross")).json.data[0].lever;
    expect(await info()).toBe("10");
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "20", mgnMode: "cross" })).json).toEqual({
      code: "0",
      msg: "",
      data: [{ lever: "20", mgnMode: "cross", instId: "ETH-USDT-SWAP", posSide: "net" }],
    });
    expect(await info()).toBe("20");
    const r = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "ETH-USDT-SWAP",
      tdMode: "cross",
      side: "buy",
      ordType: "market",
      sz: "600",
    });
    expect(r.json.code).toBe("0");
    const order = await signed(sim, "GET", `/api/v5/trade/order?instId=ETH-USDT-SWAP&ordId=${r.json.data[0].ordId}`);
    expect(order.json.data[0].lever).toBe("20");
    const pos = async () => (await signed(sim, "GET", "/api/v5/account/positions?instId=ETH-USDT-SWAP")).json.data[0];
    const p = await pos();
    expect(p.lever).toBe("20");
    expect(Number(p.imr)).toBeCloseTo(Number(p.notionalUsd) / 20, 2);
    // Lowering it so far that the position's margin is more than the account holds is refused.
    expect(Number(p.notionalUsd)).toBeGreaterThan(100_000);
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "1", mgnMode: "cross" })).json.code).toBe("59103");
    expect((await pos()).lever).toBe("20");
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "5", mgnMode: "cross" })).json.code).toBe("0");
    expect(Number((await pos()).imr)).toBeCloseTo(Number((await pos()).notionalUsd) / 5, 0);
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "101", mgnMode: "cross" })).json.code).toBe("59102");
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "0.5", mgnMode: "cross" })).json.code).toBe("51000");
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "10", mgnMode: "isolated" })).json).toMatchObject({
      code: "51000",
      msg: "Parameter mgnMode error",
    });
    expect((await set({ instId: "ETH-USDT", lever: "3", mgnMode: "cross" })).json.code).toBe("51000");
    expect((await set({ instId: "NOPE-USDT-SWAP", lever: "3", mgnMode: "cross" })).json.code).toBe("51001");
    expect((await set({ instId: "ETH-USDT-SWAP", mgnMode: "cross" })).json.code).toBe("50014");
    const close = await signed(sim, "POST", "/api/v5/trade/order", {
      instId: "ETH-USDT-SWAP",
      tdMode: "cross",
      side: "sell",
      ordType: "market",
      sz: (await pos()).pos,
      reduceOnly: true,
    });
    expect(close.json.code).toBe("0");
    expect((await set({ instId: "ETH-USDT-SWAP", lever: "10", mgnMode: "cross" })).json.code).toBe("0");
  });

  test("batch place, batch amend and batch cancel with partial success (code 2)", async () => {
    const bid = await bestBid("ETH-USDT");
    const px = (bid - 5).toFixed(2);
    const items = [
      { instId: "ETH-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.1", px },
      { instId: "ETH-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.2", px },
      { instId: "NOPE-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.1", px },
    ];
    const placed = await signed(sim, "POST", "/api/v5/trade/batch-orders", items);
    expect(placed.json.code).toBe("2");
    expect(placed.json.data.map((d: any) => d.sCode)).toEqual(["0", "0", "51001"]);
    const ids = placed.json.data.slice(0, 2).map((d: any) => d.ordId as string);
    const amended = await signed(
      sim,
      "POST",
      "/api/v5/trade/amend-batch-orders",
      ids.map((ordId: string) => ({ instId: "ETH-USDT", ordId, newPx: (bid - 6).toFixed(2) })),
    );
    expect(amended.json.code).toBe("0");
    const canceled = await signed(sim, "POST", "/api/v5/trade/cancel-batch-orders", [
      ...ids.map((ordId: string) => ({ instId: "ETH-USDT", ordId })),
      { instId: "ETH-USDT", ordId: "123" },
    ]);
    expect(canceled.json.code).toBe("2");
    expect(canceled.json.data.map((d: any) => d.sCode)).toEqual(["0", "0", "51400"]);
  });

  test("OKX errors: duplicate clOrdId, unknown order, insufficient balance, bad JSON", async () => {
    const px = ((await bestBid()) - 200).toFixed(1);
    const o = { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "0.001", px, clOrdId: "dup1" };
    expect((await signed(sim, "POST", "/api/v5/trade/order", o)).json.code).toBe("0");
    const dup = await signed(sim, "POST", "/api/v5/trade/order", o);
    expect(dup.json).toMatchObject({
      code: "1",
      msg: "All operations failed",
      data: [{ sCode: "51016", clOrdId: "dup1" }],
    });
    expect((await signed(sim, "GET", "/api/v5/trade/order?instId=BTC-USDT&ordId=42")).json).toEqual({
      code: "51603",
      msg: "Order does not exist",
      data: [],
    });
    const cancel = await signed(sim, "POST", "/api/v5/trade/cancel-order", { instId: "BTC-USDT", ordId: "42" });
    expect(cancel.json).toMatchObject({ code: "1", data: [{ sCode: "51400" }] });
    const poor = await signed(sim, "POST", "/api/v5/trade/order", { ...o, clOrdId: "", sz: "1000" });
    expect(poor.json.data[0]).toMatchObject({
      sCode: "51008",
      sMsg: "Order failed. Insufficient USDT balance in account.",
    });
    const h = restAuthHeaders(sim.credentials, "POST", "/api/v5/trade/order", "{oops");
    const bad = await fetch(`${sim.url}/api/v5/trade/order`, { method: "POST", headers: h, body: "{oops" });
    expect(((await bad.json()) as any).code).toBe("50002");
  });
});

describe("rate limit", () => {
  test("GET /public/time beyond 10 per 2 s answers HTTP 429 with 50011", async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 15; i++) {
      const r = await fetch(`${sim.url}/api/v5/public/time`);
      statuses.push(r.status);
      last = await r.json();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(last).toEqual({ msg: "Too Many Requests", code: "50011" });
  });

  test("order placement beyond 60 per 2 s per instrument answers 429", async () => {
    const px = ((await bestBid("ETH-USDT")) - 50).toFixed(2);
    const results = await Promise.all(
      Array.from({ length: 70 }, () =>
        signed(sim, "POST", "/api/v5/trade/order", {
          instId: "ETH-USDT",
          tdMode: "cash",
          side: "buy",
          ordType: "limit",
          sz: "0.001",
          px,
        }),
      ),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]!.json.code).toBe("50011");
  });
});
