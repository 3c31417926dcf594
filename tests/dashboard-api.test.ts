// Routes the dashboard reads beside the rest, over real HTTP on the embedded default (simulator):
// the instruments' trading rules as the order service checks them, and the kill switch's state.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let trader: string;
let viewer: string;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,ETH-USDT" });
  trader = await s.userToken("tess", "trader");
  viewer = await s.userToken("val", "viewer");
  admin = await s.token();
});
afterAll(() => s.close());

const get = (path: string, token: string) =>
  fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

test("GET /api/market/instruments: each instrument's tick, lot, minimum size and contract value from the exchange", async () => {
  await eventually(
    async () => ((await (await get("/api/market/instruments", viewer)).json()) as any).data.length === 2,
  );
  const r = await get("/api/market/instruments", viewer);
  expect(r.status).toBe(200);
  const body = (await r.json()) as any;
  expect(body.pending).toEqual([]);
  // The simulator's rules: BTC at 43,000 ticks in 0.1, ETH at 2,300 in 0.01; both lots 1e-8.
  expect(body.data).toEqual([
    { instId: "BTC-USDT", instType: "SPOT", tickSz: 0.1, lotSz: 1e-8, minSz: 0.00001, ctVal: 1 },
    { instId: "ETH-USDT", instType: "SPOT", tickSz: 0.01, lotSz: 1e-8, minSz: 0.00001, ctVal: 1 },
  ]);
  // The order service refuses what these rules refuse.
  const off = await fetch(`${s.url}/api/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${trader}`, "Content-Type": "application/json" },
    body: JSON.stringify({ instId: "ETH-USDT", side: "buy", ordType: "limit", sz: "0.01", px: "1000.005" }),
  });
  expect(off.status).toBe(422);
  expect(((await off.json()) as any).error.details[0]).toEqual({
    field: "px",
    message: "bad_tick: px must be a multiple of 0.01",
  });
  expect((await fetch(`${s.url}/api/market/instruments`)).status).toBe(401);
});

test("GET /api/commands/kill-switch: off since start, then on since the command, by its user; viewers may not read it", async () => {
  expect(await (await get("/api/commands/kill-switch", trader)).json()).toEqual({ on: false, since: null, by: null });
  const t0 = Date.now();
  const run = await fetch(`${s.url}/api/commands`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "kill_switch", on: true }),
  });
  expect(run.status).toBe(201);
  const on = (await (await get("/api/commands/kill-switch", trader)).json()) as any;
  expect(on).toMatchObject({ on: true, by: "admin" });
  expect(on.since).toBeGreaterThanOrEqual(t0);
  expect(on.since).toBeLessThanOrEqual(Date.now());
  expect((await get("/api/commands/kill-switch", viewer)).status).toBe(403);
  await fetch(`${s.url}/api/commands`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "kill_switch", on: false }),
  });
  expect(await (await get("/api/commands/kill-switch", trader)).json()).toMatchObject({ on: false, by: "admin" });
});

test("/ready names ClickHouse: ok while the recorder's writes get through, 503 while they fail", async () => {
  const ready = async () => {
    const r = await fetch(`${s.url}/ready`);
    const body = (await r.json()) as any;
    return { status: r.status, ch: body.checks.find((c: any) => c.name === "clickhouse") };
  };
  await eventually(async () => (await ready()).status === 200, 15_000);
  expect((await ready()).ch).toEqual({ name: "clickhouse", ok: true, detail: "embedded (chDB)" });
  await s.history.fault(true);
  try {
    // Something to write, so the recorder finds out.
    await fetch(`${s.url}/api/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "trade",
        channel: "trades:BTC-USDT",
        data: { instId: "BTC-USDT", tradeId: "r1", px: "1", sz: "1", side: "buy", ts: Date.now() },
      }),
    });
    await eventually(async () => (await ready()).status === 503, 15_000);
    expect((await ready()).ch).toMatchObject({ name: "clickhouse", ok: false });
  } finally {
    await s.history.fault(false);
  }
  await eventually(async () => (await ready()).status === 200, 15_000);
}, 40_000);
