// Orders and fills the recorder never wrote come back from the exchange's own records: after a
// run whose inserts all failed until it ended (the rows died with the process), and after fills
// made while the private connection was down (their pushes never came). Embedded simulator, chDB.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";

const dataDir = mkdtempSync(join(tmpdir(), "tw-reconcile-"));
const overrides = {
  OKX_ENABLED: "true",
  OKX_INSTRUMENTS: "BTC-USDT",
  DATA_DIR: dataDir,
  RECORDER_FLUSH_MS: "50",
  SHUTDOWN_GRACE_MS: "0",
};
let live: TestServer | undefined;
afterAll(async () => {
  await live?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const json = async (r: Response) => (await r.json()) as any;
const get = async (s: TestServer, token: string, path: string) => {
  const r = await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return r.status === 200 ? ((await json(r)).data as any[]) : [];
};
const place = async (s: TestServer, token: string, body: Record<string, unknown>) => {
  const r = await fetch(`${s.url}/api/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ instId: "BTC-USDT", side: "buy", ...body }),
  });
  expect(r.status).toBe(201);
  return (await json(r)).ordId as string;
};

let market = "";
let canceled = "";

test("a run whose inserts all failed: its orders, fills and audit entries are there after the next start, once", async () => {
  let s = await startTestServer(overrides);
  live = s;
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 15_000);
  // /ready can pass before the trade thread has reported its private connection: its pushes carry the fill.
  await eventually(() => s.ingest!.status().connections.private?.state === "ready", 15_000);
  let admin = await s.token();
  await s.history.fault(true);
  market = await place(s, admin, { ordType: "market", sz: "0.001" });
  canceled = await place(s, admin, { ordType: "limit", sz: "0.001", px: "1000" });
  await eventually(() => s.orders.open().some((o) => o.ordId === canceled), 5_000);
  const del = await fetch(`${s.url}/api/orders/${canceled}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${admin}` },
  });
  expect(del.status).toBe(200);
  await eventually(() => !s.orders.open().some((o) => o.ordId === canceled), 5_000);
  await eventually(() => (s.history.stats()?.buffered.fills ?? 0) >= 1, 5_000);
  await s.stop(); // ClickHouse still failing: the buffered rows end with the process

  s = await startTestServer(overrides);
  live = s;
  admin = await s.token();
  await eventually(async () => {
    const states = (await get(s, admin, "/api/orders/history?limit=1000")).map((o) => `${o.ordId}:${o.state}`);
    return states.includes(`${market}:filled`) && states.includes(`${canceled}:canceled`);
  }, 20_000);
  await eventually(async () => (await get(s, admin, `/api/fills?ordId=${market}`)).length > 0, 10_000);
  await eventually(async () => (await get(s, admin, "/api/audit?user=admin")).length >= 3, 10_000);
  expect((await get(s, admin, "/api/audit?user=admin")).map((a) => [a.action, a.status]).reverse()).toEqual([
    ["order.place", 201],
    ["order.place", 201],
    ["order.cancel", 200],
  ]);
  // Once: a second reconciliation (as after a reconnect) writes nothing new.
  const before = (await get(s, admin, "/api/orders/history?limit=1000")).length;
  const fills = (await get(s, admin, "/api/fills?limit=1000")).length;
  await s.history.flush();
  expect(await s.history.reconcile({ orders: [], fills: [] })).toEqual({ orders: 0, fills: 0, malformed: 0 });
  const plan = await s.history.reconcilePlan();
  expect(plan.since).toBeNumber();
  const listed = await s.ingest!.records(plan.since! - 60_000, plan.open);
  expect(listed.orders.map((o) => o.ordId)).toEqual(expect.arrayContaining([market, canceled]));
  expect(await s.history.reconcile({ orders: listed.orders, fills: listed.fills })).toEqual({
    orders: 0,
    fills: 0,
    malformed: 0,
  });
  await s.history.flush();
  expect((await get(s, admin, "/api/orders/history?limit=1000")).length).toBe(before);
  expect((await get(s, admin, "/api/fills?limit=1000")).length).toBe(fills);
}, 60_000);

test("fills made while the private connection was down are recorded after it reconnects", async () => {
  const s = live!;
  const admin = await s.token();
  await s.sim!.setFaults({ dropConnections: true }); // no pushes: the order goes over REST, its fill is never pushed
  await eventually(() => s.ingest!.status().connections.private?.state !== "ready", 5_000);
  const ordId = await place(s, admin, { ordType: "market", sz: "0.001" });
  await Bun.sleep(300);
  await s.history.flush();
  expect(await get(s, admin, `/api/fills?ordId=${ordId}`)).toEqual([]);
  await s.sim!.setFaults({ dropConnections: false });
  await eventually(async () => (await get(s, admin, `/api/fills?ordId=${ordId}`)).length > 0, 20_000);
  const rows = await get(s, admin, `/api/orders/history?ordId=${ordId}`);
  expect(rows.map((o) => o.state)).toContain("filled");
}, 60_000);

test("two reconciliations at once write a missing order state and fill once", async () => {
  const s = live!;
  const admin = await s.token();
  const now = Date.now();
  const order = {
    ordId: "990001",
    clOrdId: "",
    instId: "BTC-USDT",
    instType: "SPOT",
    side: "buy" as const,
    ordType: "market",
    tdMode: "cash",
    posSide: "",
    px: "",
    sz: "0.001",
    state: "filled" as const,
    accFillSz: "0.001",
    avgPx: "40000",
    fillPx: "40000",
    fillSz: "0.001",
    fillTime: now,
    tradeId: "x1",
    execType: "T",
    fee: "-0.000001",
    feeCcy: "BTC",
    reduceOnly: false,
    cTime: now,
    uTime: now,
  };
  const fill = {
    ordId: "990001",
    clOrdId: "",
    instId: "BTC-USDT",
    tradeId: "x1",
    side: "buy" as const,
    fillPx: "40000",
    fillSz: "0.001",
    fee: "-0.000001",
    feeCcy: "BTC",
    execType: "T",
    ts: now,
  };
  const results = await Promise.all([1, 2, 3].map(() => s.history.reconcile({ orders: [order], fills: [fill] })));
  expect(results.reduce((n, r) => n + r.orders, 0)).toBe(1);
  expect(results.reduce((n, r) => n + r.fills, 0)).toBe(1);
  expect(await get(s, admin, "/api/orders/history?ordId=990001")).toHaveLength(1);
  expect(await get(s, admin, "/api/fills?ordId=990001")).toHaveLength(1);
});
