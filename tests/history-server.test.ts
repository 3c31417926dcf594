// The same history path against a real ClickHouse server: runs only where CLICKHOUSE_URL is set
// (CI has none). Data is tagged with a random instrument and user so a shared server is fine.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

const url = process.env.CLICKHOUSE_URL;
const tag = Math.random().toString(36).slice(2, 8).toUpperCase();
const instId = `T${tag}-USDT`;
let s: TestServer | undefined;

if (!url)
  console.log("skipping tests/history-server.test.ts: CLICKHOUSE_URL is not set (a ClickHouse server to test against)");

beforeAll(async () => {
  if (url) s = await startTestServer({ CLICKHOUSE_URL: url });
});
afterAll(() => s?.close());

test.skipIf(!url)("a ClickHouse server: migrations, recorded trades with candles, durable users", async () => {
  const t = s!;
  expect(t.history.status()).toMatchObject({ mode: "url", ready: true });
  const admin = await t.token();
  const ts = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 3; i++)
    exchangeEvent(t, {
      type: "trade",
      channel: `trades:${instId}`,
      data: { instId, tradeId: `${i}`, px: `${10 + i}`, sz: "1", side: "buy", ts: ts + i },
    });
  expect((await t.history.flush()).empty).toBe(true);
  const H = { Authorization: `Bearer ${admin}` };
  const trades = (await (await fetch(`${t.url}/api/market/trades?instId=${instId}`, { headers: H })).json()) as any;
  expect(trades.data.map((x: any) => x.px)).toEqual(["12", "11", "10"]);
  const candles = (await (await fetch(`${t.url}/api/market/candles?instId=${instId}`, { headers: H })).json()) as any;
  expect(candles.data).toEqual([
    expect.objectContaining({ ts, o: "10", h: "12", l: "10", c: "12", vol: "3", trades: 3 }),
  ]);
  await t.userToken(`u${tag.toLowerCase()}`, "viewer");
  const users = await t.history.loadUsers();
  expect(users.some((u) => u.name === `u${tag.toLowerCase()}` && u.role === "viewer")).toBe(true);
});
