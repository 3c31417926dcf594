// POST /api/backtests on the embedded simulator: a grid over the past hours' bars (the exchange's
// history where tradewire recorded none), its fills, PnL and curve; bad input named by field.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
let s: TestServer;
let tina: Client;
let vic: Client;
beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: INST });
  tina = client(s, await s.userToken("tina", "trader"));
  vic = client(s, await s.userToken("vic", "viewer"));
  await marketReady(s, INST);
}, 60_000);
afterAll(() => s.close());

const backtest = (c: Client, body: unknown) => c.call("POST", "/api/backtests", body);

test("a grid over the last six hours of minute bars: its fills, PnL and curve add up; nothing reaches the exchange", async () => {
  const to = Date.now();
  const r = await backtest(tina, {
    kind: "grid",
    instruments: [INST],
    params: { levels: 5, spacingPct: 0.05, size: 0.01 },
    limits: { maxPosition: 0.1, maxOrderNotional: 10_000 },
    from: to - 6 * 3_600_000,
    to,
  });
  expect(r.status).toBe(200);
  const b = r.body;
  expect(b).toMatchObject({ instId: INST, bar: "1m", ended: null });
  expect(b.bars).toBeGreaterThan(300); // 360 bars, less the one still open
  expect(b.bars).toBeLessThanOrEqual(360);
  expect(b.fillCount).toBeGreaterThan(0);
  expect(b.orders.filled).toBe(b.fillCount);
  expect(b.pnl.total).toBeCloseTo(b.pnl.realized + b.pnl.unrealized - b.pnl.fees, 4);
  expect(b.pnl.fees).toBeGreaterThan(0);
  expect(b.curve.length).toBe(b.bars);
  expect(b.curve.at(-1).total).toBeCloseTo(b.pnl.total, 4);
  expect(b.maxDrawdown).toBeGreaterThanOrEqual(0);
  for (const f of b.fills) {
    expect(f.ts).toBeGreaterThanOrEqual(b.from);
    expect(f.ts).toBeLessThanOrEqual(b.to);
    expect(f.sz).toBe(0.01);
  }
  expect(b.logs[0].msg).toMatch(/^laying 5 levels each side of [\d.]+ every 0.05%$/);
  expect(s.orders.open()).toEqual([]); // nothing was placed at the exchange
}, 60_000);

test("bad input: the field named; a viewer may not; a period of too many bars", async () => {
  const base = { kind: "grid", instruments: [INST], params: { size: 0.01 } };
  const field = async (body: unknown) => {
    const r = await backtest(tina, body);
    expect(r.status).toBe(400);
    return r.body.error.details.map((d: { field: string }) => d.field);
  };
  expect(await field({ ...base, kind: "nope" })).toEqual(["kind"]);
  expect(await field({ ...base, params: { size: -1 } })).toEqual(["params.size"]);
  expect(await field({ ...base, instruments: ["ETH-USDT"] })).toEqual(["instruments"]);
  expect(await field({ ...base, from: 2_000, to: 1_000 })).toEqual(["from"]);
  expect(await field({ ...base, from: Date.now() - 30 * 86_400_000 })).toEqual(["from"]);
  expect(await field({ ...base, bar: "2m" })).toEqual(["bar"]);
  expect(await field({ ...base, limits: { maxPosition: -1 } })).toEqual(["limits.maxPosition"]);
  expect((await backtest(vic, base)).status).toBe(403);
}, 30_000);
