// The close_all command against the simulator over real sockets: every position held (or one
// instrument's) closed with a reduce-only market order for all of it, by whoever runs it; each
// close audited as an order, never refused for its size; a refusal (the kill switch) fails the
// command with each reason.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, placeOrder, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let tina: string;
let vic: string;

beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,BTC-USDT-SWAP,ETH-USDT,ETH-USDT-SWAP" });
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 30_000);
  admin = await s.token();
  tina = await s.userToken("tina", "trader");
  vic = await s.userToken("vic", "viewer");
}, 60_000);
afterAll(() => s.close());

const H = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const command = async (token: string, body: object) => {
  const r = await fetch(`${s.url}/api/commands`, { method: "POST", headers: H(token), body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};
/** Positions held now (none flat), instrument -> size. */
const held = async () => {
  const r = (await (await fetch(`${s.url}/api/account/positions`, { headers: H(tina) })).json()) as {
    data: { instId: string; pos: string }[];
  };
  return Object.fromEntries(r.data.filter((p) => Number(p.pos) !== 0).map((p) => [p.instId, p.pos]));
};
const open = async (instId: string, side: "buy" | "sell", sz: string) => {
  await placeOrder(s.url, tina, { instId, side, ordType: "market", sz, tdMode: "cross" });
};

test("close_all closes every position, long or short, with a reduce-only market order for all of it", async () => {
  await open("BTC-USDT-SWAP", "buy", "3");
  await open("ETH-USDT-SWAP", "sell", "5");
  await eventually(async () => Object.keys(await held()).length === 2, 10_000);
  expect(await held()).toEqual({ "BTC-USDT-SWAP": "3", "ETH-USDT-SWAP": "-5" });
  const r = await command(tina, { type: "close_all" });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ type: "close_all", by: "tina", status: "done" });
  expect(r.body.result).toEqual({ requested: 2, placed: 2, failed: 0 });
  await eventually(async () => Object.keys(await held()).length === 0, 10_000);
  // Each close is an order of tina's in the audit log: the other side, all of it.
  const audit = (await (
    await fetch(`${s.url}/api/audit?user=tina&action=order.place&limit=10`, { headers: H(admin) })
  ).json()) as {
    data: { target: string; detail: { side: string; sz: string; ordType: string } }[];
  };
  const closes = audit.data.slice(0, 2).map((a) => [a.target, a.detail.side, a.detail.sz, a.detail.ordType]);
  expect(closes.sort()).toEqual([
    ["BTC-USDT-SWAP", "sell", "3", "market"],
    ["ETH-USDT-SWAP", "buy", "5", "market"],
  ]);
}, 30_000);

test("close_all of one instrument leaves the others; with nothing held it is done at once", async () => {
  await open("BTC-USDT-SWAP", "buy", "2");
  await open("ETH-USDT-SWAP", "buy", "4");
  await eventually(async () => Object.keys(await held()).length === 2, 10_000);
  const r = await command(tina, { type: "close_all", instId: "ETH-USDT-SWAP" });
  expect(r.body.result).toEqual({ requested: 1, placed: 1, failed: 0 });
  await eventually(async () => JSON.stringify(await held()) === JSON.stringify({ "BTC-USDT-SWAP": "2" }), 10_000);
  expect((await command(tina, { type: "close_all" })).body.result).toEqual({ requested: 1, placed: 1, failed: 0 });
  await eventually(async () => Object.keys(await held()).length === 0, 10_000);
  const none = await command(tina, { type: "close_all" });
  expect(none.body).toMatchObject({ status: "done", result: { requested: 0, placed: 0, failed: 0 } });
}, 30_000);

test("a position grown past the notional limit order by order still closes (the close is reduce-only)", async () => {
  // RISK_MAX_NOTIONAL is 100,000: 200 BTC-USDT-SWAP contracts (0.01 BTC each) are about 86,000.
  await open("BTC-USDT-SWAP", "buy", "200");
  await open("BTC-USDT-SWAP", "buy", "200");
  await eventually(async () => (await held())["BTC-USDT-SWAP"] === "400", 10_000);
  const r = await command(tina, { type: "close_all" });
  expect(r.body).toMatchObject({ status: "done", result: { requested: 1, placed: 1, failed: 0 } });
  await eventually(async () => Object.keys(await held()).length === 0, 10_000);
}, 30_000);

test("with the kill switch on the closes are refused: the command fails with each instrument's reason", async () => {
  await open("BTC-USDT-SWAP", "sell", "1");
  await eventually(async () => (await held())["BTC-USDT-SWAP"] === "-1", 10_000);
  expect((await command(admin, { type: "kill_switch", on: true })).status).toBe(201);
  try {
    const r = await command(tina, { type: "close_all" });
    expect(r.body).toMatchObject({ status: "failed", error: { code: "close_failed" } });
    expect(r.body.result).toMatchObject({ requested: 1, placed: 0, failed: 1 });
    expect(r.body.error.message).toContain("BTC-USDT-SWAP");
    expect(r.body.error.message).toContain("kill switch");
    expect(await held()).toEqual({ "BTC-USDT-SWAP": "-1" });
  } finally {
    await command(admin, { type: "kill_switch", on: false });
  }
  await command(tina, { type: "close_all" });
  await eventually(async () => Object.keys(await held()).length === 0, 10_000);
}, 30_000);

test("viewers may not run it; a bad instrument is a 400 naming the field", async () => {
  expect((await command(vic, { type: "close_all" })).status).toBe(403);
  const bad = await command(tina, { type: "close_all", instId: "not an instrument" });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body.error.details)).toContain("instId");
});
