// The stop kind on the embedded OKX simulator: a stop loss under a swap position fires when the
// market falls to it and closes the position with reduce-only IOC orders, then stops itself; a
// take profit on spot sells a holding when the market rises to it; a stop whose position is closed
// by hand stops itself; a trailing stop keeps its stop as its params, raises it as the market
// rises and sells when the market falls back to it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, placeOrder, startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady, until } from "./strategies-helpers.ts";

const SWAP = "BTC-USDT-SWAP";
const SPOT = "BTC-USDT";
let s: TestServer;
let tina: Client;
let token: string;
beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: `${SPOT},${SWAP}`, RECORDER_FLUSH_MS: "50" });
  token = await s.userToken("tina", "trader");
  tina = client(s, token);
  await marketReady(s, SPOT);
  await marketReady(s, SWAP);
}, 60_000);
afterAll(() => s.close());

const position = async (instId: string) => {
  const r = await tina.call("GET", "/api/account/positions");
  return Number(r.body.data.find((p: { instId: string }) => p.instId === instId)?.pos ?? 0);
};

test("a stop loss under a long swap position closes it, reduce-only, when the market falls to it", async () => {
  await placeOrder(s.url, token, { instId: SWAP, side: "buy", ordType: "market", sz: "3", tdMode: "cross" });
  await eventually(async () => (await position(SWAP)) === 3);
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  const stopPx = Math.round(mid * 0.995);
  const created = await tina.create({
    name: "swap stop",
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 3, stopPx },
    limits: { maxPosition: 3, maxOrderNotional: 100_000 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await tina.start(id)).body.state).toBe("running");
  const armed = await until(tina, id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  expect(armed.logs.map((l: any) => l.msg)).toContain(`armed: sell 3 ${SWAP} at stop <= ${stopPx}`);
  expect(await position(SWAP)).toBe(3); // above the stop: nothing sold

  expect(await s.sim!.setPrice(SWAP, mid * 0.99)).toBe(true);
  const done = await until(tina, id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toMatch(new RegExp(`^finished: stop ${stopPx}: sold 3 ${SWAP} at [\\d.]+ on average$`));
  expect(await position(SWAP)).toBe(0);
  // Its orders went to the exchange reduce-only, sells, IOC, tagged with the strategy.
  await s.history.flush();
  const hist = await tina.call("GET", `/api/orders/history?instId=${SWAP}&limit=50`);
  const mine = hist.body.data.filter((o: any) => String(o.clOrdId).startsWith(`s${id}`));
  expect(mine.length).toBeGreaterThan(0);
  for (const o of mine) expect(o).toMatchObject({ side: "sell", ordType: "ioc", reduceOnly: true });
}, 40_000);

test("a stop guarding part of a position closes that part only (its IOC's update comes before its fill)", async () => {
  await placeOrder(s.url, token, { instId: SWAP, side: "buy", ordType: "market", sz: "5", tdMode: "cross" });
  await eventually(async () => (await position(SWAP)) === 5);
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  const { body } = await tina.create({
    name: "part stop",
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 3, stopPx: Math.round(mid * 1.01) }, // above the market: fires at once
    limits: { maxPosition: 3, maxOrderNotional: 100_000 },
  });
  expect((await tina.start(body.id)).status).toBe(200); // it may be done by the time the answer comes
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toMatch(new RegExp(`^finished: stop \\d+: sold 3 ${SWAP} at [\\d.]+ on average$`));
  await Bun.sleep(300);
  expect(await position(SWAP)).toBe(2);
  // One IOC, and no second one sized before the first one's fill was known (refused, or worse).
  expect(done.figures.counters).toMatchObject({ ordersPlaced: 1, ordersRejected: 0 });
  expect(done.logs.filter((l: any) => l.msg.includes("refused"))).toEqual([]);
  await placeOrder(s.url, token, {
    instId: SWAP,
    side: "sell",
    ordType: "market",
    sz: "2",
    tdMode: "cross",
    reduceOnly: true,
  });
  await eventually(async () => (await position(SWAP)) === 0);
}, 40_000);

test("a take profit on spot sells a holding when the market rises to it", async () => {
  const mid = Number(s.state.get(`tickers:${SPOT}`)!.last);
  const takeProfitPx = Math.round(mid * 1.005);
  const { body } = await tina.create({
    name: "spot take profit",
    kind: "stop",
    instruments: [SPOT],
    params: { side: "sell", size: 0.002, takeProfitPx, stopPx: Math.round(mid * 0.9) },
    limits: { maxPosition: 0.002, maxOrderNotional: 1000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  await until(tina, body.id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  expect(await s.sim!.setPrice(SPOT, mid * 1.01)).toBe(true);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toMatch(
    new RegExp(`^finished: take profit ${takeProfitPx}: sold 0.002 ${SPOT} at [\\d.]+ on average$`),
  );
  expect(done.figures.positions[0]).toMatchObject({ instId: SPOT, pos: -0.002 });
}, 40_000);

test("a stop whose position is closed by hand stops itself: nothing left to protect", async () => {
  await placeOrder(s.url, token, { instId: SWAP, side: "buy", ordType: "market", sz: "2", tdMode: "cross" });
  await eventually(async () => (await position(SWAP)) === 2);
  const { body } = await tina.create({
    name: "orphan stop",
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 2, stopPx: 1000 },
    limits: { maxPosition: 2, maxOrderNotional: 100_000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  await until(tina, body.id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  const close = { instId: SWAP, side: "sell", ordType: "market", sz: "2", tdMode: "cross", reduceOnly: true };
  await placeOrder(s.url, token, close);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toBe("finished: the position it guards is closed: nothing left to protect");
  expect(done.figures.counters.ordersPlaced).toBe(0);
}, 40_000);

test("a position event an outside publisher puts on the bus (marked http) does not end a stop; the exchange's does", async () => {
  await placeOrder(s.url, token, { instId: SWAP, side: "buy", ordType: "market", sz: "1", tdMode: "cross" });
  await eventually(async () => (await position(SWAP)) === 1);
  const { body } = await tina.create({
    name: "guarded stop",
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 1, stopPx: 1000 },
    limits: { maxPosition: 1, maxOrderNotional: 100_000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  await until(tina, body.id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  // An admin may publish on any channel: a flat position of the swap, marked `http`.
  const admin = await s.token();
  const fake = {
    instId: SWAP,
    instType: "SWAP",
    posId: "",
    posSide: "net",
    pos: "0",
    avgPx: "",
    upl: "",
    lever: "",
    mgnMode: "cross",
    markPx: "",
    liqPx: "",
    uplRatio: "",
    uTime: Date.now(),
  };
  const r = await fetch(`${s.url}/api/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "position", channel: "positions", data: fake }),
  });
  expect(r.status).toBe(201);
  await Bun.sleep(500);
  expect((await tina.get(body.id)).body.state).toBe("running");
  const close = { instId: SWAP, side: "sell", ordType: "market", sz: "1", tdMode: "cross", reduceOnly: true };
  await placeOrder(s.url, token, close);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toBe("finished: the position it guards is closed: nothing left to protect");
}, 40_000);

test("a trailing stop: its stop is kept as its params and raised as the market rises; it sells when the market falls back to it", async () => {
  const mid = Number(s.state.get(`tickers:${SPOT}`)!.last);
  const { body } = await tina.create({
    name: "trailing stop",
    kind: "stop",
    instruments: [SPOT],
    params: { side: "sell", size: 0.002, trailPct: 1 },
    limits: { maxPosition: 0.002, maxOrderNotional: 1000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  const set = await until(tina, body.id, (v) => v.params.stopPx !== undefined);
  expect(set.params.stopPx).toBeGreaterThan(mid * 0.98);
  expect(set.params.stopPx).toBeLessThan(mid);
  expect(await s.sim!.setPrice(SPOT, mid * 1.05)).toBe(true);
  const raised = await until(tina, body.id, (v) => v.params.stopPx >= mid * 1.05 * 0.99 - 0.1, 15_000);
  expect(raised.state).toBe("running");
  expect(raised.updatedAt).toBeGreaterThan(set.updatedAt);
  expect(await s.sim!.setPrice(SPOT, raised.params.stopPx * 0.99)).toBe(true);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  const fired = /^finished: stop ([\d.]+): sold 0.002 BTC-USDT at [\d.]+ on average$/.exec(done.reason);
  expect(fired).not.toBeNull();
  expect(Number(fired![1])).toBeGreaterThanOrEqual(raised.params.stopPx);
}, 40_000);
