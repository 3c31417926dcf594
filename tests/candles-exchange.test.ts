// GET /api/market/candles on the embedded default (the OKX simulator): a chart opens with its
// history on a fresh install (the exchange's bars before the recording began and in its holes),
// the recorded bars lead once trades are recorded, cursors page on into the exchange's bars, days are UTC days,
// and with ClickHouse off the exchange's bars still answer.
import { afterAll, expect, test } from "bun:test";
import { eventually, exchangeEvent, startTestServer, type TestServer } from "./helpers.ts";

const open: TestServer[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

interface Row {
  ts: number;
  o: string;
  c: string;
  trades: number | null;
  confirmed: boolean;
}
async function candles(s: TestServer, token: string, query: string): Promise<{ data: Row[]; next: string | null }> {
  const r = await fetch(`${s.url}/api/market/candles?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as { data: Row[]; next: string | null };
}
const minuteApart = (rows: Row[]) => rows.slice(1).every((r, i) => rows[i]!.ts - r.ts === 60_000);

test("a fresh install: a full chart from the exchange, the recorded bars leading once trades are recorded", async () => {
  const s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT", RECORDER_FLUSH_MS: "50" });
  open.push(s);
  const viewer = await s.userToken("vic", "viewer");
  await eventually(
    async () => (await candles(s, viewer, "instId=BTC-USDT&bar=1m&limit=300")).data.length === 300,
    15_000,
  );
  // Trades recorded minutes ago (as if tradewire had run then), and ten minutes ago (as if it had
  // then been down): those bars are tradewire's own, counted; the bars in the hole, either side of
  // it, the oldest and the one this run started in are the exchange's.
  const px = (await candles(s, viewer, "instId=BTC-USDT&bar=1m&limit=1")).data[0]!.c;
  const now = Date.now();
  for (const ago of [10, 5, 4, 3, 2, 1]) {
    const data = { instId: "BTC-USDT", tradeId: `past${ago}`, px, sz: "0.001", side: "buy", ts: now - ago * 60_000 };
    exchangeEvent(s, { type: "trade", channel: "trades:BTC-USDT", data });
  }
  const bar = (ago: number) => Math.floor((now - ago * 60_000) / 60_000) * 60_000;
  const at = (p: { data: Row[] }, ago: number) => p.data.find((r) => r.ts === bar(ago));
  let page = await candles(s, viewer, "instId=BTC-USDT&bar=1m&limit=300");
  await eventually(async () => {
    page = await candles(s, viewer, "instId=BTC-USDT&bar=1m&limit=300");
    return [2, 3, 4].every((ago) => typeof at(page, ago)?.trades === "number");
  }, 15_000);
  expect(page.data.length).toBe(300);
  expect(minuteApart(page.data)).toBe(true); // no bar missing, hole or not
  expect(page.data[0]!.ts).toBeGreaterThanOrEqual(bar(0)); // up to the present
  expect(at(page, 5)!.trades).toBeNull(); // started during it: the exchange's
  expect(at(page, 7)!.trades).toBeNull(); // in the hole
  expect(at(page, 10)!.trades).toBeNull();
  expect(page.data.at(-1)!.trades).toBeNull();
  expect(page.data.slice(1).every((r) => r.confirmed)).toBe(true);
  // The next page goes on from the exchange, older and still a minute apart.
  expect(page.next).not.toBeNull();
  const older = await candles(s, viewer, `instId=BTC-USDT&bar=1m&limit=100&cursor=${page.next}`);
  expect(older.data.length).toBe(100);
  expect(older.data[0]!.ts).toBe(page.data.at(-1)!.ts - 60_000);
  expect(minuteApart(older.data)).toBe(true);
  // Days: UTC midnights (OKX's "1Dutc", as tradewire buckets its own).
  const days = await candles(s, viewer, "instId=BTC-USDT&bar=1D&limit=5");
  expect(days.data.length).toBeGreaterThan(0);
  for (const d of days.data) expect(d.ts % 86_400_000).toBe(0);
  // An instrument the exchange does not list: no bars, not an error.
  expect((await candles(s, viewer, "instId=NOPE-USDT&bar=1m")).data).toEqual([]);
}, 40_000);

test("ClickHouse off: the chart's bars still come from the exchange; the rest of history says why not", async () => {
  const s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT", CLICKHOUSE_ENABLED: "false" });
  open.push(s);
  const viewer = await s.userToken("val", "viewer");
  const page = await candles(s, viewer, "instId=BTC-USDT&bar=5m&limit=50");
  expect(page.data.length).toBe(50);
  expect(page.data.slice(1).every((r, i) => page.data[i]!.ts - r.ts === 300_000)).toBe(true);
  const trades = await fetch(`${s.url}/api/market/trades?instId=BTC-USDT`, {
    headers: { Authorization: `Bearer ${viewer}` },
  });
  expect(trades.status).toBe(503);
}, 30_000);
