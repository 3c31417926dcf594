// Built-in strategies trading on the embedded OKX simulator through the order service: a grid's
// orders carry its id, its fills make its position and PnL, stopping cancels its orders (or keeps
// them when asked, and the next start cleans them up); a TWAP buys its quantity and stops itself.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openSse, startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady, openOf, until } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
let s: TestServer;
let tina: Client;
let mid: number;
beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: INST, RECORDER_FLUSH_MS: "50" });
  tina = client(s, await s.userToken("tina", "trader"));
  mid = await marketReady(s, INST);
}, 60_000);
afterAll(() => s.close());

test("a grid rests its orders on the simulator with its id in clOrdId; a fill makes its position and PnL; stop cancels the rest", async () => {
  const created = await tina.create({
    name: "btc grid",
    kind: "grid",
    instruments: [INST],
    params: { levels: 2, spacingPct: 0.2, size: 0.001 },
    limits: { maxPosition: 0.01, maxOrderNotional: 1000 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(id).toMatch(/^[a-z0-9]{10}$/);
  expect(created.body).toMatchObject({
    state: "stopped",
    kind: "grid",
    owner: "tina",
    params: { levels: 2, spacingPct: 0.2, size: 0.001 },
    limits: { maxPosition: 0.01, maxOrderNotional: 1000, maxOrdersPerSecond: 10 },
    liveParams: ["size"],
  });
  const sse = await openSse(`${s.url}/api/events/stream?channels=strategy:${id}`, {
    Authorization: `Bearer ${await s.token()}`,
  });

  const started = await tina.start(id);
  expect(started.status).toBe(200);
  expect(started.body.state).toBe("running");
  await until(tina, id, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 4);
  const resting = openOf(s, id);
  expect(resting).toHaveLength(4);
  for (const o of resting) expect(String(o.clOrdId)).toMatch(new RegExp(`^s${id}[a-z0-9]+$`));
  expect(resting.map((o) => o.side).sort()).toEqual(["buy", "buy", "sell", "sell"]);

  // The market drops 0.3%: the buy 0.2% under the centre fills, a sell at the centre replaces it.
  expect(await s.sim!.setPrice(INST, mid * 0.997)).toBe(true);
  const filled = await until(tina, id, (v) => v.figures.counters.fills > 0 && v.figures.positions[0]?.pos > 0);
  const p = filled.figures.positions[0];
  expect(p).toMatchObject({ instId: INST, pos: 0.001 });
  expect(p.avgPx).toBeLessThan(mid);
  expect(p.unrealizedPnl).toBeCloseTo(p.pos * (p.lastPx - p.avgPx), 9);
  expect(filled.figures.pnl.total).toBeCloseTo(
    filled.figures.pnl.realized + filled.figures.pnl.unrealized - filled.figures.pnl.fees,
    9,
  );
  expect(filled.figures.pnl.fees).toBeGreaterThan(0);

  // The replacement sell is placed (the 5th order) before anything below counts orders.
  await until(tina, id, (v) => v.figures.counters.ordersPlaced >= 5);

  // The stream carried the same figures.
  let streamed: any;
  while (!streamed) {
    const ev = await sse.nextEvent(5000);
    if (ev.event === "strategy" && ev.json().data.figures.counters.fills > 0) streamed = ev.json().data;
  }
  expect(streamed).toMatchObject({ id, state: "running", kind: "grid", owner: "tina" });
  expect(streamed.figures.positions[0].pos).toBe(0.001);
  sse.close();

  // Cancel-all for the strategy (what the commands route calls): its orders go, it keeps running.
  const before = (await tina.get(id)).body.figures.openOrders.length;
  const c = await s.strategies.cancelOrders({ user: "tina", role: "trader" }, id);
  expect(c).toEqual({ requested: before, canceled: before, failed: 0 });
  const after = await until(tina, id, (v) => v.figures.openOrders.length === 0);
  expect(after.state).toBe("running");
  await expect(s.strategies.cancelOrders({ user: "bob", role: "trader" }, id)).rejects.toThrow("belongs to tina");

  const stopped = await tina.stop(id);
  expect(stopped.status).toBe(200);
  expect(stopped.body.state).toBe("stopped");
  expect(stopped.body.reason).toBe("stopped by tina");
  await until(tina, id, (v) => v.figures.openOrders.length === 0);
  expect(openOf(s, id)).toEqual([]);
  // The position stays: stopping cancels orders, it does not close positions. (A market that kept
  // moving on a slow machine may have filled the next buy level too before the cancel-all.)
  const kept = (await tina.get(id)).body.figures.positions[0].pos;
  expect(kept).toBeGreaterThanOrEqual(0.001);
  expect(kept / 0.001).toBeCloseTo(Math.round(kept / 0.001), 6); // whole fills of the grid's size

  // Orders and the strategy's actions are audit rows, attributed to it.
  const admin = client(s, await s.token());
  await s.history.flush();
  const audit = (await admin.call("GET", "/api/audit?user=tina&limit=100")).body.data as any[];
  expect(audit.filter((a) => a.action === "order.place" && a.detail.strategy === id).length).toBeGreaterThanOrEqual(5);
  const mine = audit
    .filter((a) => a.target === id || a.target === "btc grid")
    .map((a) => `${a.action} ${a.status} ${a.code}`);
  expect(mine).toEqual([
    "strategy.stop 200 ok",
    "strategy.cancel_all 200 ok",
    "strategy.start 200 ok",
    "strategy.create 201 ok",
  ]);
}, 40_000);

test("a grid of 15 levels a side lays all 30 orders at a limit of 10 a second: the ones over it wait their turn, none is refused", async () => {
  const { body } = await tina.create({
    name: "wide grid",
    kind: "grid",
    instruments: [INST],
    params: { levels: 15, spacingPct: 0.5, size: 0.001 },
    limits: { maxPosition: 0.02, maxOrderNotional: 1000, maxOrdersPerSecond: 10 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  const laid = await until(tina, body.id, (v) => v.figures.counters.ordersPlaced === 30, 15_000);
  expect(laid.figures.counters.ordersRejected).toBe(0);
  expect(laid.logs.map((l: any) => l.msg)).toContain(
    "more than 10 orders at once: the rest go out as the limit of 10 a second allows",
  );
  expect(laid.logs.filter((l: any) => l.level !== "info")).toEqual([]);
  await until(tina, body.id, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 30);
  expect((await tina.stop(body.id)).body.state).toBe("stopped");
  await until(tina, body.id, (v) => v.figures.openOrders.length === 0);
}, 30_000);

test("a limit raised while a grid lays its orders applies to the ones still waiting, within the service-wide one", async () => {
  const { body } = await tina.create({
    name: "slow grid",
    kind: "grid",
    instruments: [INST],
    params: { levels: 15, spacingPct: 0.5, size: 0.001 },
    limits: { maxPosition: 0.02, maxOrderNotional: 1000, maxOrdersPerSecond: 1 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  await until(tina, body.id, (v) => v.figures.counters.ordersPlaced >= 1);
  // At 1 a second the other 29 would take half a minute; raised to 100 they go as fast as the
  // service-wide limit allows (RISK_ORDERS_PER_S, 20), still none refused.
  expect((await tina.patch(body.id, { limits: { maxOrdersPerSecond: 100 } })).status).toBe(200);
  const laid = await until(tina, body.id, (v) => v.figures.counters.ordersPlaced === 30, 10_000);
  expect(laid.figures.counters.ordersRejected).toBe(0);
  expect((await tina.stop(body.id)).body.state).toBe("stopped");
  await until(tina, body.id, (v) => v.figures.openOrders.length === 0);
}, 30_000);

test("a TWAP buys its quantity in IOC slices and stops itself when done", async () => {
  const { body } = await tina.create({
    name: "twap",
    kind: "twap",
    instruments: [INST],
    params: { side: "buy", quantity: 0.003, durationSec: 1, intervalMs: 200, maxSlippagePct: 1 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  const done = await until(tina, body.id, (v) => v.state === "stopped");
  expect(done.reason).toBe("finished: completed: 0.003 BTC-USDT bought");
  expect(done.figures.positions[0].pos).toBeCloseTo(0.003, 9);
  expect(done.figures.counters.ordersPlaced).toBeGreaterThanOrEqual(1);
  expect(done.figures.openOrders).toEqual([]);
  expect(done.logs.map((l: any) => l.msg)).toContain("completed: 0.003 BTC-USDT bought");
}, 20_000);

test("stop with keepOrders leaves them resting; the next start cancels what the earlier run left", async () => {
  const { body } = await tina.create({
    name: "keep",
    kind: "grid",
    instruments: [INST],
    params: { levels: 1, spacingPct: 1, size: 0.001 },
  });
  await tina.start(body.id);
  await until(tina, body.id, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);
  const kept = await tina.stop(body.id, { keepOrders: true });
  expect(kept.body.reason).toBe("stopped by tina; 2 orders left open");
  expect(openOf(s, body.id)).toHaveLength(2);
  const before = openOf(s, body.id).map((o) => o.clOrdId);

  await tina.start(body.id);
  const again = await until(
    tina,
    body.id,
    (v) =>
      v.figures.openOrders.filter((o: any) => o.state === "live").length === 2 &&
      !v.figures.openOrders.some((o: any) => before.includes(o.clOrdId)),
  );
  expect(again.logs.map((l: any) => l.msg)).toContain("cancelled 2 of 2 orders an earlier run left open");
  await tina.stop(body.id);
}, 30_000);
