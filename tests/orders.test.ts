// The order path over real HTTP with a fake exchange: validation, idempotency, risk, roles, errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OrderAck, OrderRequest } from "../src/domain/orders.ts";
import { GatewayUnavailable, type OrderGateway } from "../src/services/gateway.ts";
import { exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

class FakeGateway implements OrderGateway {
  placed: OrderRequest[] = [];
  down = false;
  delayMs = 0;
  private n = 1000;
  private byCl = new Map<string, Record<string, unknown>>();
  instrument(instId: string) {
    if (instId === "BTC-USDT") return { instId, instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 };
    if (instId === "BTC-USDT-SWAP") return { instId, instType: "SWAP", ctVal: 0.01, minSz: 1, lotSz: 1, tickSz: 0.1 };
    return undefined;
  }
  async place(o: OrderRequest & { clOrdId: string }): Promise<OrderAck> {
    if (this.down) throw new GatewayUnavailable("exchange down");
    if (this.delayMs) await Bun.sleep(this.delayMs);
    this.placed.push(o);
    if (this.byCl.has(o.clOrdId))
      return { ordId: "", clOrdId: o.clOrdId, code: "51016", message: "Duplicated clOrdId" };
    if (o.sz === "0.5") return { ordId: "", clOrdId: o.clOrdId, code: "51008", message: "Insufficient balance" };
    const ordId = String(++this.n);
    this.byCl.set(o.clOrdId, { ...o, ordId, state: "live" });
    return { ordId, clOrdId: o.clOrdId, code: "0", message: "" };
  }
  async cancel(ref: { ordId?: string; clOrdId?: string }): Promise<OrderAck> {
    const found = [...this.byCl.values()].find((o) => o.ordId === ref.ordId || o.clOrdId === ref.clOrdId);
    if (!found)
      return { ordId: ref.ordId ?? "", clOrdId: ref.clOrdId ?? "", code: "51400", message: "Order does not exist" };
    return { ordId: String(found.ordId), clOrdId: String(found.clOrdId), code: "0", message: "" };
  }
  async amend(ref: { ordId?: string; clOrdId?: string }): Promise<OrderAck> {
    return this.cancel(ref);
  }
  async get(ref: { ordId?: string; clOrdId?: string }) {
    return [...this.byCl.values()].find((o) => o.ordId === ref.ordId || o.clOrdId === ref.clOrdId) ?? null;
  }
  /** Forgets its answers but not its orders: like a restart of tradewire. */
}

const gw = new FakeGateway();
let s: TestServer;
let trader: string;
let viewer: string;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ RISK_MAX_NOTIONAL: "10000", RISK_ORDERS_PER_S: "1000" }, { gateway: gw });
  admin = await s.token();
  trader = await s.userToken("tina", "trader");
  viewer = await s.userToken("vic", "viewer");
  exchangeEvent(s, {
    type: "ticker",
    channel: "tickers:BTC-USDT",
    data: { instId: "BTC-USDT", last: "40000" },
  });
});
afterAll(() => s.close());

const order = (body: unknown, token = trader, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
const limit = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "39000" };
const err = async (r: Response) => ((await r.json()) as any).error;

describe("placing", () => {
  test("a trader places; the answer carries OKX's ids", async () => {
    const r = await order(limit);
    expect(r.status).toBe(201);
    const b = (await r.json()) as any;
    expect(b.ordId).toMatch(/^\d+$/);
    expect(b.clOrdId).toMatch(/^tw[0-9a-f]{30}$/);
    expect(b.code).toBe("0");
    expect(gw.placed.at(-1)).toMatchObject({
      instId: "BTC-USDT",
      side: "buy",
      sz: "0.01",
      px: "39000",
      tdMode: "cash",
    });
  });

  test("a clOrdId shaped like a strategy's (s + 10 lowercase letters or digits) is refused on clOrdId", async () => {
    const before = gw.placed.length;
    const r = await order({ ...limit, clOrdId: "sab12cd34ef5x1" });
    expect(r.status).toBe(400);
    expect((await err(r)).details).toEqual([{ field: "clOrdId", message: expect.stringContaining("strategies") }]);
    expect(gw.placed.length).toBe(before);
    expect((await order({ ...limit, clOrdId: "sAB12cd34ef5x1" })).status).toBe(201); // not that shape
  });

  test("an Idempotency-Key places once, however often and however concurrently it is retried", async () => {
    const before = gw.placed.length;
    gw.delayMs = 30;
    const rs = await Promise.all([1, 2, 3].map(() => order(limit, trader, { "Idempotency-Key": "k-1" })));
    gw.delayMs = 0;
    const again = await order(limit, trader, { "Idempotency-Key": "k-1" });
    const bodies = (await Promise.all([...rs, again].map((r) => r.json()))) as any[];
    expect(gw.placed.length).toBe(before + 1);
    expect(new Set(bodies.map((b) => b.ordId)).size).toBe(1);
    expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(again.status).toBe(200);
    expect(bodies[3].replayed).toBe(true);
  });

  test("viewers cannot place", async () => {
    expect((await order(limit, viewer)).status).toBe(403);
  });

  const bad: Array<[string, unknown, string]> = [
    ["missing px on limit", { ...limit, px: undefined }, "px"],
    ["px on market", { ...limit, ordType: "market" }, "px"],
    ["negative size", { ...limit, sz: "-1" }, "sz"],
    ["bad side", { ...limit, side: "up" }, "side"],
    ["bad instId", { ...limit, instId: "btc usdt" }, "instId"],
    ["unknown field", { ...limit, leverage: 5 }, "leverage"],
  ];
  for (const [name, body, field] of bad) {
    test(`bad input: ${name} -> 400 naming ${field}`, async () => {
      const r = await order(body);
      expect(r.status).toBe(400);
      const e = await err(r);
      expect(JSON.stringify(e.details)).toContain(field);
    });
  }

  test("risk refusals are 422 with the reason", async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...limit, instId: "SOL-USDT" }, "instrument_not_allowed"],
      [{ ...limit, sz: "1" }, "notional_too_large"],
      [{ ...limit, px: "39000.05" }, "bad_tick"],
      [
        { instId: "BTC-USDT-SWAP", side: "buy", ordType: "limit", sz: "30", px: "40000", tdMode: "cross" },
        "notional_too_large",
      ],
    ];
    for (const [body, code] of cases) {
      const r = await order(body);
      expect(r.status).toBe(422);
      const e = await err(r);
      expect(e.code).toBe("risk_rejected");
      expect(e.details[0].message).toContain(code);
    }
  });

  test("the kill switch (admin only) stops new orders until it is off", async () => {
    const cmd = (on: boolean, token = admin) =>
      fetch(`${s.url}/api/commands`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: "kill_switch", on }),
      });
    expect((await cmd(true, trader)).status).toBe(403);
    const r = await cmd(true);
    expect(r.status).toBe(201);
    const rec = (await r.json()) as any;
    const got = await fetch(`${s.url}/api/commands/${rec.id}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(((await got.json()) as any).result).toEqual({ killSwitch: true });
    const refused = await order(limit);
    expect(refused.status).toBe(422);
    expect((await err(refused)).details[0].message).toContain("kill_switch");
    await cmd(false);
    expect((await order(limit)).status).toBe(201);
  });

  test("OKX refusals are 422; an unreachable exchange is 503 with a retry hint", async () => {
    const r = await order({ ...limit, sz: "0.5", px: "10000" });
    expect(r.status).toBe(422);
    expect((await err(r)).code).toBe("insufficient_balance");
    gw.down = true;
    const d = await order(limit, trader, { "Idempotency-Key": "down-1" });
    gw.down = false;
    expect(d.status).toBe(503);
    expect((await err(d)).message).toContain("Idempotency-Key");
    expect((await order(limit, trader, { "Idempotency-Key": "down-1" })).status).toBe(201); // the retry goes through
  });
});

describe("orders and state", () => {
  test("open orders come from the stream's state; cancel and amend find their instrument", async () => {
    exchangeEvent(s, {
      type: "order",
      channel: "orders",
      data: { ordId: "1001", clOrdId: "x", instId: "BTC-USDT", state: "live" },
    });
    const t = { Authorization: `Bearer ${trader}` };
    const list = (await (await fetch(`${s.url}/api/orders`, { headers: t })).json()) as any;
    expect(list.data.map((o: any) => o.ordId)).toContain("1001");
    const one = await fetch(`${s.url}/api/orders/1001`, { headers: t });
    expect(((await one.json()) as any).instId).toBe("BTC-USDT");
    expect((await fetch(`${s.url}/api/orders/1001`, { headers: { Authorization: `Bearer ${viewer}` } })).status).toBe(
      403,
    );
    const del = await fetch(`${s.url}/api/orders/1001`, { method: "DELETE", headers: t });
    expect(del.status).toBe(200);
    expect(((await del.json()) as any).ordId).toBe("1001");
    const amend = await fetch(`${s.url}/api/orders/1001`, {
      method: "PATCH",
      headers: { ...t, "Content-Type": "application/json" },
      body: JSON.stringify({}),
    });
    expect(amend.status).toBe(400);
    expect((await fetch(`${s.url}/api/orders/999`, { method: "DELETE", headers: t })).status).toBe(404);
    expect((await fetch(`${s.url}/api/orders/999?instId=BTC-USDT`, { method: "DELETE", headers: t })).status).toBe(404);
  });

  test("market and account routes answer from state; viewers cannot read the account", async () => {
    exchangeEvent(s, { type: "balance", channel: "balances", data: { ccy: "USDT", eq: "100" } });
    exchangeEvent(s, {
      type: "book",
      channel: "books:BTC-USDT",
      data: { instId: "BTC-USDT", bids: [["1", "2", 1]], asks: [] },
    });
    const v = { Authorization: `Bearer ${viewer}` };
    const tickers = (await (await fetch(`${s.url}/api/market/tickers`, { headers: v })).json()) as any;
    expect(tickers.data[0].last).toBe("40000");
    const book = (await (await fetch(`${s.url}/api/market/books/BTC-USDT`, { headers: v })).json()) as any;
    expect(book.bids[0][0]).toBe("1");
    expect((await fetch(`${s.url}/api/market/books/ETH-USDT`, { headers: v })).status).toBe(404);
    expect((await fetch(`${s.url}/api/account/balances`, { headers: v })).status).toBe(403);
    const bal = (await (
      await fetch(`${s.url}/api/account/balances`, { headers: { Authorization: `Bearer ${trader}` } })
    ).json()) as any;
    expect(bal.data).toEqual([{ ccy: "USDT", eq: "100" }]);
  });
});
