// The recorder when ClickHouse fails: rows wait in the bounded buffer and are retried (counted,
// none lost within the buffer), market data is dropped oldest-first when the buffer is full, a
// ring overrun is counted, and a ClickHouse that cannot be reached leaves history 503 but the
// service up.
import { afterAll, expect, test } from "bun:test";
import { createServer } from "node:net";
import { eventually, exchangeEvent, metric, startTestServer, type TestServer } from "./helpers.ts";

const open: TestServer[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});
/** Runs `f` on a fresh server and always closes it (one chDB per process: a leak would fail the next test). */
const withServer = async (o: Parameters<typeof startTestServer>[0], f: (s: TestServer) => Promise<void>) => {
  const s = await startTestServer(o);
  open.push(s);
  try {
    await f(s);
  } finally {
    open.splice(open.indexOf(s), 1);
    await s.close();
  }
};
const trade = (i: number) => ({
  type: "trade",
  channel: "trades:BTC-USDT",
  data: { instId: "BTC-USDT", tradeId: `f${i}`, px: "10", sz: "1", side: "buy", ts: 1_700_000_000_000 + i },
});
const fill = (i: number) => ({
  type: "fill",
  channel: "fills",
  data: {
    ordId: `${i}`,
    instId: "BTC-USDT",
    tradeId: `x${i}`,
    side: "buy",
    fillPx: "10",
    fillSz: "1",
    ts: 1_700_000_000_000 + i,
  },
});
const count = async (s: TestServer, token: string, path: string) =>
  ((await (await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as any).data
    .length;

test("ClickHouse down for a while: rows are buffered, retried and counted, then all written", async () => {
  await withServer({ RECORDER_FLUSH_MS: "20" }, async (s) => {
    const admin = await s.token();
    await s.history.fault(true);
    for (let i = 0; i < 30; i++) exchangeEvent(s, i % 3 ? trade(i) : fill(i));
    await eventually(async () => (await metric(s.url, "recorder_retries_total")) >= 2, 10_000);
    await eventually(async () => (await metric(s.url, "recorder_buffer_rows")) === 30, 5_000);
    expect(await metric(s.url, "clickhouse_up")).toBe(0);
    expect(await count(s, admin, "/api/market/trades?instId=BTC-USDT")).toBe(0);

    await s.history.fault(false);
    await eventually(async () => (await metric(s.url, "recorder_buffer_rows")) === 0, 15_000);
    expect(await count(s, admin, "/api/market/trades?instId=BTC-USDT")).toBe(20);
    expect(await count(s, admin, "/api/fills")).toBe(10);
    expect(await metric(s.url, "recorder_dropped_rows_total")).toBe(0);
    expect(await metric(s.url, "clickhouse_up")).toBe(1);
  });
}, 30_000);

test("a full buffer drops the oldest market rows but keeps fills, and says so in /metrics", async () => {
  await withServer(
    { RECORDER_FLUSH_MS: "20", RECORDER_MARKET_BUFFER_ROWS: "10", RECORDER_KEPT_BUFFER_ROWS: "5" },
    async (s) => {
      const admin = await s.token();
      await s.history.fault(true);
      for (let i = 0; i < 25; i++) exchangeEvent(s, trade(i));
      for (let i = 0; i < 7; i++) exchangeEvent(s, fill(i));
      await eventually(async () => (await metric(s.url, "recorder_dropped_rows_total")) === 17, 5_000);
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(text).toContain('recorder_dropped_rows_total{reason="buffer_full",table="trades"} 15');
      expect(text).toContain('recorder_dropped_rows_total{reason="hard_cap",table="fills"} 2');
      await s.history.fault(false);
      await eventually(async () => (await metric(s.url, "recorder_buffer_rows")) === 0, 15_000);
      const trades = (
        (await (
          await fetch(`${s.url}/api/market/trades?instId=BTC-USDT`, { headers: { Authorization: `Bearer ${admin}` } })
        ).json()) as any
      ).data;
      expect(trades.map((t: any) => t.tradeId)).toEqual(Array.from({ length: 10 }, (_, i) => `f${24 - i}`)); // the newest ten
      expect(await count(s, admin, "/api/fills")).toBe(5); // the first five: the newest were refused
    },
  );
}, 30_000);

test("a recorder that falls a whole ring behind counts the events it lost; every event is written or counted", async () => {
  await withServer({ BUS_CAPACITY: "16", BUS_BYTES: "65536" }, async (s) => {
    const n = 20_000;
    for (let i = 0; i < n; i++)
      s.producer.publish({ type: "trade", channel: "trades:BTC-USDT", dataJson: JSON.stringify(trade(i).data) }); // one synchronous burst
    await s.history.flush();
    const accounted = () => (s.history.stats()?.written.trades ?? 0) + (s.history.stats()?.overrunEvents ?? 0);
    await eventually(async () => (await s.history.flush()) && accounted() === n, 10_000);
    expect(await metric(s.url, "recorder_overrun_events_total")).toBe(s.history.stats()!.overrunEvents);
    expect(s.history.stats()!.overrunEvents).toBeGreaterThan(0);
  });
}, 30_000);

test("malformed events of a recorded type are skipped and counted, the rest recorded", async () => {
  await withServer({}, async (s) => {
    const admin = await s.token();
    exchangeEvent(s, {
      type: "trade",
      channel: "trades:BTC-USDT",
      data: { instId: "BTC-USDT", px: "lots", sz: "1", side: "buy", ts: 1 },
    });
    exchangeEvent(s, trade(1));
    await s.history.flush();
    await eventually(async () => (await metric(s.url, "recorder_malformed_events_total")) === 1);
    expect(await count(s, admin, "/api/market/trades?instId=BTC-USDT")).toBe(1);
  });
});

test("CLICKHOUSE_URL that nobody answers: the service starts, history is a 503, users live in memory", async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  await withServer({ CLICKHOUSE_URL: `http://127.0.0.1:${port}` }, async (s) => {
    expect(s.history.status()).toMatchObject({ mode: "url", ready: false });
    const viewer = await s.userToken("val", "viewer"); // auth works without ClickHouse
    const r = await fetch(`${s.url}/api/market/trades?instId=BTC-USDT`, {
      headers: { Authorization: `Bearer ${viewer}` },
    });
    expect(r.status).toBe(503);
    const body = (await r.json()) as any;
    expect(body.error.code).toBe("history_unavailable");
    expect(body.error.message).toContain("ClickHouse");
    expect(await metric(s.url, "clickhouse_up")).toBe(0);
  });
});

test("CLICKHOUSE_ENABLED=false: history answers 503 with the reason; audit entries are counted as not recorded", async () => {
  await withServer({ CLICKHOUSE_ENABLED: "false" }, async (s) => {
    const admin = await s.token();
    const r = await fetch(`${s.url}/api/audit`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(503);
    expect(((await r.json()) as any).error).toMatchObject({
      code: "history_unavailable",
      message: expect.stringContaining("CLICKHOUSE_ENABLED"),
    });
    await fetch(`${s.url}/api/commands`, {
      method: "POST",
      headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "kill_switch", on: false }),
    });
    expect(await metric(s.url, "recorder_dropped_rows_total")).toBe(2); // the command's two rows: pending, done
  });
});
