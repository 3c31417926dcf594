// A stop with an entry (a limit order with its TP/SL attached) on the embedded OKX simulator: its
// entry rests as the strategy's order; once it fills, the stop keeps what filled as its size and
// drops the entry price, and its stop closes the position; an entry cancelled by hand unfilled
// ends it; after a restart an entry that had not filled is placed again, once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cancelOrder, eventually, startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady, openOf, until } from "./strategies-helpers.ts";

const SWAP = "BTC-USDT-SWAP";
const SPOT = "BTC-USDT";
const dataDir = mkdtempSync(join(tmpdir(), "tw-strategies-entry-"));
const overrides = { OKX_ENABLED: "true", OKX_INSTRUMENTS: `${SPOT},${SWAP}`, DATA_DIR: dataDir };
let s: TestServer;
let tina: Client;
let token: string;
beforeAll(async () => {
  s = await startTestServer(overrides);
  token = await s.userToken("tina", "trader");
  tina = client(s, token);
  await marketReady(s, SWAP);
  await marketReady(s, SPOT);
}, 60_000);
afterAll(async () => {
  await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const position = async () => {
  const r = await tina.call("GET", "/api/account/positions");
  return Number(r.body.data.find((p: { instId: string }) => p.instId === SWAP)?.pos ?? 0);
};
const bracket = (entryPx: number, stopPx: number, name = "bracket") =>
  tina.create({
    name,
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 2, entryPx, stopPx },
    limits: { maxPosition: 2, maxOrderNotional: 100_000 },
  });
const msgs = (v: any): string[] => v.logs.map((l: any) => l.msg);

test("the entry rests as the strategy's order; filled, the stop guards what it bought and closes it at its stop", async () => {
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  const entryPx = Math.round(mid * 0.99);
  const stopPx = Math.round(mid * 0.97);
  const created = await bracket(entryPx, stopPx);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await tina.start(id)).body.state).toBe("running");
  await eventually(() => openOf(s, id).length === 1);
  const entry = openOf(s, id)[0]!;
  expect(entry).toMatchObject({ side: "buy", ordType: "limit", reduceOnly: false });
  expect([Number(entry.sz), Number(entry.px)]).toEqual([2, entryPx]);
  expect(await position()).toBe(0);

  expect(await s.sim!.setPrice(SWAP, mid * 0.985)).toBe(true); // through the entry, above the stop
  const filled = await until(tina, id, (v) => v.params.entryPx === undefined, 15_000);
  expect(filled.params.size).toBe(2);
  expect(filled.state).toBe("running");
  await eventually(async () => (await position()) === 2);
  expect(msgs(await until(tina, id, (v) => msgs(v).some((m) => m.startsWith("the entry order was filled"))))).toContain(
    `the entry order was filled: sell 2 ${SWAP} at stop <= ${stopPx}`,
  );

  expect(await s.sim!.setPrice(SWAP, mid * 0.96)).toBe(true);
  const done = await until(tina, id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toMatch(new RegExp(`^finished: stop ${stopPx}: sold 2 ${SWAP} at [\\d.]+ on average$`));
  expect(await position()).toBe(0);
  expect(await s.sim!.setPrice(SWAP, mid)).toBe(true);
}, 60_000);

test("a spot entry that fills at once: the fee taken in what it bought is not sold; its take profit sells the rest", async () => {
  // Back where the swap's tests left it (the simulator moves an instrument's spot and swap together).
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  expect(await s.sim!.setPrice(SPOT, mid)).toBe(true);
  await eventually(() => Math.abs(Number(s.state.get(`tickers:${SPOT}`)!.askPx) / mid - 1) < 0.002);
  const { body } = await tina.create({
    name: "spot bracket",
    kind: "stop",
    instruments: [SPOT],
    params: { side: "sell", size: 0.01, entryPx: Math.round(mid * 1.005), takeProfitPx: Math.round(mid * 1.01) },
    limits: { maxPosition: 0.01, maxOrderNotional: 2_000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  const filled = await until(tina, body.id, (v) => v.params.entryPx === undefined, 15_000);
  await s.history.flush();
  const fills = (await tina.call("GET", `/api/fills?instId=${SPOT}&limit=20`)).body.data.filter((f: any) =>
    String(f.clOrdId).startsWith(`s${body.id}`),
  );
  const fee = fills.reduce((a: number, f: any) => a + (f.feeCcy === "BTC" ? Number(f.fee) : 0), 0);
  expect(fee).toBeLessThan(0); // the simulator charges a spot buy's fee in BTC
  expect(filled.params.size).toBeCloseTo(0.01 + fee, 8);
  expect(await s.sim!.setPrice(SPOT, mid * 1.02)).toBe(true);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toMatch(
    new RegExp(`^finished: take profit \\d+: sold ${filled.params.size} ${SPOT} at [\\d.]+ on average$`),
  );
  expect(await s.sim!.setPrice(SPOT, mid)).toBe(true);
}, 40_000);

test("an entry cancelled by hand with nothing filled ends the stop", async () => {
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  const { body } = await bracket(Math.round(mid * 0.9), Math.round(mid * 0.8), "cancelled entry");
  expect((await tina.start(body.id)).body.state).toBe("running");
  await eventually(() => openOf(s, body.id).length === 1);
  await cancelOrder(s.url, token, String(openOf(s, body.id)[0]!.ordId), SWAP);
  const done = await until(tina, body.id, (v) => v.state === "stopped", 15_000);
  expect(done.reason).toBe("finished: the entry order was canceled: nothing filled, nothing to protect");
}, 30_000);

test("after a restart an entry that had not filled is placed again, once", async () => {
  const mid = Number(s.state.get(`tickers:${SWAP}`)!.last);
  const entryPx = Math.round(mid * 0.9);
  const { body } = await bracket(entryPx, Math.round(mid * 0.8), "resting entry");
  expect((await tina.start(body.id)).body.state).toBe("running");
  await eventually(() => openOf(s, body.id).length === 1);
  await s.close();
  s = await startTestServer(overrides);
  tina = client(s, await s.token("tina", "tina-password-1"));
  await marketReady(s, SWAP);
  const back = await until(tina, body.id, (v) => v.state === "running", 20_000);
  expect(back.params.entryPx).toBe(entryPx);
  await eventually(() => openOf(s, body.id).length === 1, 10_000);
  await Bun.sleep(500);
  expect(openOf(s, body.id)).toHaveLength(1);
  expect(Number(openOf(s, body.id)[0]!.px)).toBe(entryPx);
}, 60_000);
