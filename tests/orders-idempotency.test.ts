// Order replay is per user and per request: a clOrdId or Idempotency-Key never returns another
// user's order, and the same key with a different body is a 422 naming what differs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { OrderAck, OrderRequest } from "../src/domain/orders.ts";
import type { OrderGateway } from "../src/services/gateway.ts";
import { publish, startTestServer, type TestServer } from "./helpers.ts";

/** An exchange that keeps its orders across "restarts" of tradewire (a second server on it). */
class Exchange implements OrderGateway {
  placed: Array<OrderRequest & { clOrdId: string }> = [];
  delayMs = 0;
  private n = 5000;
  private byCl = new Map<string, Record<string, unknown>>();
  instrument(instId: string) {
    return instId === "BTC-USDT"
      ? { instId, instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 }
      : undefined;
  }
  async place(o: OrderRequest & { clOrdId: string }): Promise<OrderAck> {
    if (this.delayMs) await Bun.sleep(this.delayMs);
    this.placed.push(o);
    if (this.byCl.has(o.clOrdId))
      return { ordId: "", clOrdId: o.clOrdId, code: "51016", message: "Duplicated clOrdId" };
    const ordId = String(++this.n);
    this.byCl.set(o.clOrdId, {
      ordId,
      clOrdId: o.clOrdId,
      instId: o.instId,
      side: o.side,
      ordType: o.ordType,
      sz: o.sz,
      px: o.px ?? "",
      tdMode: o.tdMode,
      state: "live",
    });
    return { ordId, clOrdId: o.clOrdId, code: "0", message: "" };
  }
  async cancel(): Promise<OrderAck> {
    return { ordId: "", clOrdId: "", code: "51400", message: "Order does not exist" };
  }
  async amend(): Promise<OrderAck> {
    return this.cancel();
  }
  async get(ref: { clOrdId?: string; ordId?: string }) {
    return [...this.byCl.values()].find((o) => o.clOrdId === ref.clOrdId || o.ordId === ref.ordId) ?? null;
  }
}

const ex = new Exchange();
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function life() {
  const s = await startTestServer({ RISK_MAX_NOTIONAL: "100000", RISK_ORDERS_PER_S: "1000" }, { gateway: ex });
  servers.push(s);
  const admin = await s.token();
  const trader1 = await s.userToken("trader1", "trader");
  await publish(s.url, admin, {
    type: "ticker",
    channel: "tickers:BTC-USDT",
    data: { instId: "BTC-USDT", last: "40000" },
  });
  const order = (body: unknown, token: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/api/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
  return { s, admin, trader1, order };
}

let first: Awaited<ReturnType<typeof life>>;
beforeAll(async () => {
  first = await life();
});

const limit = { instId: "BTC-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "39000" };
const json = async (r: Response) => (await r.json()) as any;

test("another user's clOrdId is a 409 conflict, never that user's order", async () => {
  const { order, admin, trader1 } = first;
  const mine = await order({ ...limit, clOrdId: "probeX1" }, trader1);
  expect(mine.status).toBe(201);
  const { ordId } = await json(mine);
  const before = ex.placed.length;
  for (const body of [
    { ...limit, sz: "0.02", clOrdId: "probeX1" },
    { ...limit, clOrdId: "probeX1" },
  ]) {
    const theirs = await order(body, admin);
    expect(theirs.status).toBe(409);
    const text = await theirs.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "conflict", message: expect.stringContaining("probeX1") });
    expect(text).not.toContain(ordId);
  }
  expect(ex.placed.length).toBe(before); // refused here, not sent to the exchange
  const again = await order({ ...limit, clOrdId: "probeX1" }, trader1);
  expect(again.status).toBe(200);
  expect(await json(again)).toMatchObject({ ordId, replayed: true });
});

test("the same Idempotency-Key with a different body is a 422 naming the fields that differ", async () => {
  const { order, trader1 } = first;
  const ok = await order(limit, trader1, { "Idempotency-Key": "reuse-1" });
  expect(ok.status).toBe(201);
  const before = ex.placed.length;
  const r = await order({ ...limit, sz: "0.02", px: "38000" }, trader1, { "Idempotency-Key": "reuse-1" });
  expect(r.status).toBe(422);
  const e = (await json(r)).error;
  expect(e.code).toBe("idempotency_conflict");
  expect(e.details.map((d: any) => d.field).sort()).toEqual(["px", "sz"]);
  expect(JSON.stringify(e.details)).toContain("0.01");
  const side = await order({ ...limit, side: "sell", px: "41000" }, trader1, { "Idempotency-Key": "reuse-1" });
  expect(side.status).toBe(422);
  expect((await json(side)).error.details.map((d: any) => d.field).sort()).toEqual(["px", "side"]);
  expect(ex.placed.length).toBe(before);
  // The same body (a decimal written differently is the same number) is a replay.
  const same = await order({ ...limit, sz: "0.010" }, trader1, { "Idempotency-Key": "reuse-1" });
  expect(same.status).toBe(200);
  expect((await json(same)).replayed).toBe(true);
});

test("the same clOrdId with a different body is a 422 as well; concurrent retries compare too", async () => {
  const { order, trader1 } = first;
  ex.delayMs = 40;
  const [a, b] = await Promise.all([
    order({ ...limit, clOrdId: "race1" }, trader1),
    order({ ...limit, px: "38500", clOrdId: "race1" }, trader1),
  ]);
  ex.delayMs = 0;
  expect([a.status, b.status].sort()).toEqual([201, 422]);
  const loser = a.status === 422 ? a : b;
  expect((await json(loser)).error).toMatchObject({ code: "idempotency_conflict", details: [{ field: "px" }] });
});

test("an Idempotency-Key is per user: another user's same key places its own order", async () => {
  const { order, trader1, admin } = first;
  const a = await json(await order(limit, trader1, { "Idempotency-Key": "shared-key" }));
  const r = await order(limit, admin, { "Idempotency-Key": "shared-key" });
  expect(r.status).toBe(201);
  const b = await json(r);
  expect(b.ordId).not.toBe(a.ordId);
  expect(b.clOrdId).not.toBe(a.clOrdId);
});

test("after a restart: a key retry reads its order back when the body matches, 422 when not; an unattributable clOrdId is 409", async () => {
  const { order, trader1 } = first;
  const placed = await json(await order(limit, trader1, { "Idempotency-Key": "survives-1" }));
  await order({ ...limit, clOrdId: "explicit9" }, trader1);
  const second = await life(); // forgets every answer; the exchange remembers the orders
  const t1 = second.trader1;
  const same = await second.order(limit, t1, { "Idempotency-Key": "survives-1" });
  expect(same.status).toBe(200);
  expect(await json(same)).toMatchObject({ ordId: placed.ordId, replayed: true });
  const other = await second.order({ ...limit, sz: "0.03" }, t1, { "Idempotency-Key": "survives-1" });
  expect(other.status).toBe(422);
  expect((await json(other)).error).toMatchObject({ code: "idempotency_conflict", details: [{ field: "sz" }] });
  // An explicit clOrdId the exchange already has: whose it is cannot be told any more.
  for (const token of [t1, second.admin]) {
    const r = await second.order({ ...limit, clOrdId: "explicit9" }, token);
    expect(r.status).toBe(409);
    expect((await json(r)).error.code).toBe("conflict");
  }
});

test("a retry that adds posSide or reduceOnly is a different order", async () => {
  const { order, trader1 } = first;
  expect((await order(limit, trader1, { "Idempotency-Key": "fields-1" })).status).toBe(201);
  const r = await order({ ...limit, reduceOnly: true }, trader1, { "Idempotency-Key": "fields-1" });
  expect(r.status).toBe(422);
  expect((await json(r)).error.details).toEqual([{ field: "reduceOnly", message: "was (none), now true" }]);
});
