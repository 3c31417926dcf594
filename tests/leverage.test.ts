// A swap's leverage against the simulator over real sockets: read, set (traders only, audited),
// on the position that follows; refusals on the field they concern, never a 500.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, openSse, placeOrder, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let tina: string;
let vic: string;

beforeAll(async () => {
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,BTC-USDT-SWAP,ETH-USDT-SWAP" });
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 30_000);
  admin = await s.token();
  tina = await s.userToken("tina", "trader");
  vic = await s.userToken("vic", "viewer");
}, 60_000);
afterAll(() => s.close());

const H = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const read = async (token: string, instId: string) => {
  const r = await fetch(`${s.url}/api/account/leverage/${instId}`, { headers: H(token) });
  return { status: r.status, body: (await r.json()) as any };
};
const set = async (token: string, body: unknown) => {
  const r = await fetch(`${s.url}/api/account/leverage`, {
    method: "POST",
    headers: H(token),
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
};
/** tina's market order on a swap (reduce-only: closing). */
const market = (instId: string, side: "buy" | "sell", sz: string, reduceOnly = false) =>
  placeOrder(s.url, tina, {
    instId,
    side,
    ordType: "market",
    sz,
    tdMode: "cross",
    ...(reduceOnly ? { reduceOnly } : {}),
  });
const position = async (instId: string) => {
  const r = (await (await fetch(`${s.url}/api/account/positions`, { headers: H(tina) })).json()) as {
    data: { instId: string; pos: string; lever: string }[];
  };
  return r.data.find((p) => p.instId === instId && Number(p.pos) !== 0);
};

test("read and set a swap's leverage; its most comes from the instrument's rules", async () => {
  // The rules are loaded from the exchange after start.
  await eventually(async () => (await read(tina, "BTC-USDT-SWAP")).status === 200, 10_000);
  expect((await read(tina, "BTC-USDT-SWAP")).body).toEqual({ instId: "BTC-USDT-SWAP", lever: 10, maxLever: 100 });
  const r = await set(tina, { instId: "BTC-USDT-SWAP", lever: 25 });
  expect(r).toEqual({ status: 200, body: { instId: "BTC-USDT-SWAP", lever: 25, maxLever: 100 } });
  expect((await read(tina, "BTC-USDT-SWAP")).body.lever).toBe(25);
  // The account's leverage is as private as its positions.
  expect((await read(vic, "BTC-USDT-SWAP")).status).toBe(403);
  const rules = (await (await fetch(`${s.url}/api/market/instruments`, { headers: H(vic) })).json()) as any;
  expect(rules.data.find((i: any) => i.instId === "BTC-USDT-SWAP").maxLever).toBe(100);
  expect(rules.data.find((i: any) => i.instId === "BTC-USDT").maxLever).toBeUndefined();
});

test("a leverage set goes out on leverage:<instId> (OKX pushes none without a position); viewers may not read it", async () => {
  const sse = await openSse(`${s.url}/api/events/stream?channels=leverage`, { Authorization: `Bearer ${tina}` });
  expect((await set(admin, { instId: "BTC-USDT-SWAP", lever: 7 })).status).toBe(200);
  let frame = await sse.nextEvent(10_000);
  while (frame.event !== "leverage") frame = await sse.nextEvent(10_000);
  const ev = frame.json();
  expect([ev.type, ev.channel, ev.data]).toEqual([
    "leverage",
    "leverage:BTC-USDT-SWAP",
    { instId: "BTC-USDT-SWAP", lever: 7, maxLever: 100 },
  ]);
  sse.close();
  const r = await fetch(`${s.url}/api/events/stream?channels=leverage`, {
    headers: { Authorization: `Bearer ${vic}` },
  });
  expect(r.status).toBe(403);
  await r.body?.cancel();
});

test("a position opened after takes the leverage; changing it changes the position's", async () => {
  expect((await set(tina, { instId: "ETH-USDT-SWAP", lever: 20 })).status).toBe(200);
  await market("ETH-USDT-SWAP", "buy", "4");
  await eventually(async () => (await position("ETH-USDT-SWAP"))?.lever === "20", 10_000);
  expect((await set(tina, { instId: "ETH-USDT-SWAP", lever: 3 })).body.lever).toBe(3);
  // OKX pushes the position again with its new leverage; the stream's state follows.
  await eventually(async () => (await position("ETH-USDT-SWAP"))?.lever === "3", 10_000);
  await market("ETH-USDT-SWAP", "sell", "4", true);
  await eventually(async () => (await position("ETH-USDT-SWAP")) === undefined, 10_000);
});

test("refusals: each on its field, in the one error shape", async () => {
  const over = await set(tina, { instId: "BTC-USDT-SWAP", lever: 101 });
  expect(over.status).toBe(400);
  expect(over.body.error.details).toEqual([{ field: "lever", message: "at most 100x on BTC-USDT-SWAP" }]);
  const spot = await set(tina, { instId: "BTC-USDT", lever: 3 });
  expect(spot.status).toBe(400);
  expect(spot.body.error.details).toEqual([{ field: "instId", message: "leverage is set on swaps and futures" }]);
  expect((await read(tina, "BTC-USDT")).status).toBe(400);
  const other = await set(tina, { instId: "SOL-USDT-SWAP", lever: 3 });
  expect(other.status).toBe(400);
  expect(other.body.error.details[0].field).toBe("instId");
  for (const lever of [0, 0.5, 2.555, "5"]) {
    const r = await set(tina, { instId: "BTC-USDT-SWAP", lever });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe("lever");
  }
  expect((await set(tina, { instId: "BTC-USDT-SWAP", lever: 5, mgnMode: "isolated" })).status).toBe(400);
  expect((await read(tina, "not an instrument")).status).toBe(400);
});

test("too low for the margin a position holds: the exchange's refusal on lever, the leverage kept", async () => {
  // 100,000 USDT; 400 BTC-USDT-SWAP contracts (0.01 BTC each) take about 170,000 at 1x. Two orders:
  // the risk limit refuses one over 100,000.
  expect((await set(tina, { instId: "BTC-USDT-SWAP", lever: 50 })).status).toBe(200);
  for (let i = 0; i < 2; i++) await market("BTC-USDT-SWAP", "buy", "200");
  await eventually(async () => (await position("BTC-USDT-SWAP"))?.lever === "50", 10_000);
  const r = await set(tina, { instId: "BTC-USDT-SWAP", lever: 1 });
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe("exchange_rejected");
  expect(r.body.error.details[0].field).toBe("lever");
  expect(r.body.error.details[0].message).toContain("59103");
  expect((await read(tina, "BTC-USDT-SWAP")).body.lever).toBe(50);
  for (let i = 0; i < 2; i++) await market("BTC-USDT-SWAP", "sell", "200", true);
  await eventually(async () => (await position("BTC-USDT-SWAP")) === undefined, 10_000);
});

test("a viewer cannot set it; every change is audited with who and what", async () => {
  const r = await set(vic, { instId: "BTC-USDT-SWAP", lever: 7 });
  expect(r.status).toBe(403);
  const audit = (await (
    await fetch(`${s.url}/api/audit?user=tina&action=account.leverage&limit=20`, { headers: H(admin) })
  ).json()) as { data: { target: string; status: number; code: string; detail: Record<string, unknown> }[] };
  const rows = audit.data.map((a) => [a.target, a.status, a.detail.lever]);
  expect(rows).toContainEqual(["BTC-USDT-SWAP", 200, 25]);
  expect(rows).toContainEqual(["ETH-USDT-SWAP", 200, 3]);
  expect(rows).toContainEqual(["BTC-USDT-SWAP", 422, 1]);
});
