// The OKX client in its Worker, against a scripted fake OKX over real sockets: market data on
// the ring, reconnect + resubscribe, a sequence gap, malformed frames, a refused login,
// keepalive, trade ops (WS, then REST while the private connection is down), reconciliation.
import { afterEach, expect, test } from "bun:test";
import { DEFAULT_TIMING, type IngestConfig } from "../src/exchange/config.ts";
import { CREDS, type FakeOkx, startFakeOkx } from "./fixtures/okx/fake-okx.ts";
import { type Ev, startClient } from "./fixtures/okx/harness.ts";
import snapshot from "./fixtures/okx/ws_books_snapshot.json";
import update from "./fixtures/okx/ws_books_update.json";
import gap from "./fixtures/okx/ws_books_update_gap.json";
import orders from "./fixtures/okx/ws_orders.json";
import tickers from "./fixtures/okx/ws_tickers.json";
import trades from "./fixtures/okx/ws_trades.json";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(over: Partial<IngestConfig> = {}, prepare?: (f: FakeOkx) => void) {
  const fake = startFakeOkx();
  prepare?.(fake);
  const c = startClient({
    restUrl: fake.url,
    wsUrl: fake.wsUrl,
    credentials: CREDS,
    demo: false,
    instruments: ["ETH-USDT"],
    tradable: ["ETH-USDT"],
    book: "books",
    publishDepth: 25,
    candle: "candle1m",
    privateChannels: ["orders", "positions", "account"],
    tradeThread: true,
    timing: {
      ...DEFAULT_TIMING,
      pingIntervalMs: 5_000,
      pongTimeoutMs: 1_000,
      backoffBaseMs: 20,
      backoffMaxMs: 200,
      opTimeoutMs: 2_000,
      restTimeoutMs: 2_000,
    },
    ...over,
  });
  cleanups.push(
    () => fake.stop(),
    () => c.ingest.stop(),
  );
  return { ...c, fake };
}

const books = (evs: Ev[]) => evs.filter((e) => e.type === "book");
const resyncs = (evs: Ev[]) => evs.filter((e) => e.type === "system" && e.json.data.kind === "book_resync");
const ethTickers = () => ({
  ...tickers,
  arg: { channel: "tickers", instId: "ETH-USDT" },
  data: [{ ...tickers.data[0]!, instId: "ETH-USDT" }],
});

test("subscribes from configuration; tickers, books and trades arrive on the ring with exTs and rxTs", async () => {
  const t = setup({}, (f) => (f.onBookSubscribe = () => [snapshot]));
  await t.ready(["public", "private", "business"]);
  const subs = (p: "public" | "business" | "private") =>
    t.fake.received[p].filter((x) => x.includes('"subscribe"')).flatMap((x) => JSON.parse(x).args);
  expect(subs("public")).toEqual([
    { channel: "tickers", instId: "ETH-USDT" },
    { channel: "books", instId: "ETH-USDT" },
    { channel: "trades", instId: "ETH-USDT" },
  ]);
  expect(subs("business")).toEqual([{ channel: "candle1m", instId: "ETH-USDT" }]);
  expect(subs("private")).toEqual([
    { channel: "orders", instType: "ANY" },
    { channel: "positions", instType: "ANY" },
    { channel: "account" },
  ]);
  expect(t.fake.received.private[0]).toContain('"op":"login"');

  const before = Date.now();
  t.fake.push("public", ethTickers());
  t.fake.push("public", { ...trades, arg: { channel: "trades", instId: "ETH-USDT" } });
  t.fake.push("public", update);
  const tick = await t.waitFor("ticker", () => t.events.find((e) => e.type === "ticker"));
  expect(tick.channel).toBe("tickers:ETH-USDT");
  expect(tick.json.ts.ex).toBe(1704067200123);
  expect(tick.rxTs).toBeGreaterThanOrEqual(before - 1);
  expect(tick.json.data.last).toBe("43000.1");
  const trade = await t.waitFor("trade", () => t.events.find((e) => e.type === "trade"));
  expect(trade.json.data).toEqual({
    instId: "BTC-USDT",
    tradeId: "216970876",
    px: "31684.5",
    sz: "0.00001186",
    side: "buy",
    ts: 1626531038288,
  });
  await t.waitFor("two books", () => books(t.events).length === 2);
  expect(books(t.events).map((b) => b.json.data.seqId)).toEqual([123456, 123470]);
  expect(books(t.events)[1]!.json.data.asks).toEqual([
    ["3366.8", "9", 3],
    ["3368", "8", 1],
    ["3372", "8", 2],
  ]);
  expect(t.ingest.status().malformed).toBe(0);
});

test("a sequence gap publishes book_resync, resubscribes the book, and serves no book until the new snapshot", async () => {
  const t = setup({ credentials: null, candle: null }, (f) => (f.onBookSubscribe = () => [snapshot]));
  await t.waitFor("first book", () => books(t.events).length === 1);
  t.fake.push("public", gap);
  const rs = await t.waitFor("resync", () => resyncs(t.events)[0]);
  expect(rs.json.data).toMatchObject({ kind: "book_resync", instId: "ETH-USDT", reason: "gap" });
  await t.waitFor("second snapshot published", () => books(t.since(rs.seq)).length === 1);
  expect(books(t.since(rs.seq))[0]!.json.data.seqId).toBe(123456);
  expect(t.fake.received.public.some((x) => x.includes('"op":"unsubscribe"') && x.includes('"books"'))).toBe(true);
  await t.waitFor("resync counted", () => t.ingest.status().resyncs === 1);
});

test("malformed frames are skipped and counted; the stream goes on", async () => {
  const t = setup({ credentials: null, candle: null });
  await t.ready(["public"]);
  t.fake.push("public", "{not json");
  t.fake.push("public", { arg: { channel: "tickers", instId: "ETH-USDT" }, data: [{ instId: "ETH-USDT", last: 5 }] });
  t.fake.push("public", { arg: { channel: "books", instId: "ETH-USDT" }, action: "update", data: [{ asks: "x" }] });
  t.fake.push("public", ethTickers());
  await t.waitFor("ticker after the junk", () => t.events.find((e) => e.type === "ticker"));
  await t.waitFor("malformed counted", () => t.ingest.status().malformed === 3);
  expect(t.ingest.status().connections.public!.state).toBe("ready");
});

test("a dropped connection: book_resync, reconnect, resubscribe, the book is right afterwards, orders reconciled", async () => {
  const t = setup({}, (f) => (f.onBookSubscribe = () => [snapshot]));
  await t.ready(["public", "private"]);
  await t.waitFor("first book", () => books(t.events).length === 1);
  // An open order the client learns about from a push.
  t.fake.push("private", orders);
  await t.waitFor("order push", () => t.events.find((e) => e.type === "order"));
  // While disconnected: that order is filled, and a new one appears.
  const filled = { ...orders.data[0]!, state: "filled", accFillSz: "0.01", uTime: "1704067209000" };
  const fresh = {
    ...orders.data[0]!,
    ordId: "42",
    clOrdId: "new1",
    state: "live",
    accFillSz: "0",
    fillSz: "0",
    tradeId: "",
    uTime: "1704067208000",
  };
  const mark = t.events.at(-1)!.seq;
  t.fake.orders.set(filled.ordId, filled);
  t.fake.orders.set(fresh.ordId, fresh);
  t.fake.drop("public");
  t.fake.drop("private");

  const rs = await t.waitFor("resync on disconnect", () => resyncs(t.since(mark))[0]);
  expect(rs.json.data).toMatchObject({ instId: "ETH-USDT", reason: "disconnected" });
  await t.waitFor("reconnected", () => t.fake.opened.public === 2 && t.fake.opened.private === 2);
  await t.ready(["public", "private"]);
  await t.waitFor("book after reconnect", () => books(t.since(rs.seq)).length === 1);
  t.fake.push("public", update);
  await t.waitFor("update applied on the new chain", () => books(t.since(rs.seq)).length === 2);
  expect(books(t.since(rs.seq))[1]!.json.data).toMatchObject({ seqId: 123470, bids: [["3366.1", "7", 2]] });
  const subsAfter = t.fake.received.public.filter((x) => x.includes('"op":"subscribe"'));
  expect(subsAfter.length).toBe(2);

  const reconciled = await t.waitFor("reconciled orders", () => {
    const os = t.since(mark).filter((e) => e.type === "order");
    return os.length >= 2 ? os : undefined;
  });
  expect(reconciled.map((e) => [e.json.data.ordId, e.json.data.state]).sort()).toEqual([
    ["42", "live"],
    ["680800019749904384", "filled"],
  ]);
  const st = await t.waitFor("status after reconciliation", () =>
    t.ingest.status().reconciliations === 2 ? t.ingest.status() : undefined,
  );
  expect(st.connections.public!.reconnects).toBe(1);
  expect(st.connections.private!.reconnects).toBe(1);
  const conn = t.events
    .filter((e) => e.type === "system" && e.json.data.kind === "connection")
    .map((e) => `${e.json.data.conn}:${e.json.data.state}`);
  expect(conn).toContain("public:down");
  expect(conn.filter((c) => c === "public:up").length).toBe(2);
});

test("a refused login is reported clearly and retried with backoff until it succeeds", async () => {
  const t = setup({ candle: null }, (f) => (f.refuseLogin = true));
  await t.waitFor("several refusals", () => t.fake.logins.refused >= 3);
  const st = await t.waitFor("status shows the retries", () => {
    const s = t.ingest.status().connections.private!;
    return s.reconnects >= 2 ? s : undefined;
  });
  expect(st.state).not.toBe("ready");
  expect(st.lastError).toBe("login refused: 60009 Login failed.");
  t.fake.refuseLogin = false;
  await t.ready(["private"]);
});

test("no pong in time: the connection is dropped and reopened", async () => {
  const t = setup(
    {
      credentials: null,
      candle: null,
      timing: { ...DEFAULT_TIMING, pingIntervalMs: 100, pongTimeoutMs: 150, backoffBaseMs: 20, backoffMaxMs: 100 },
    },
    (f) => (f.answerPing = false),
  );
  await t.waitFor("a reconnect after a missing pong", () => t.fake.opened.public >= 2);
  expect(t.fake.received.public).toContain("ping");
  await t.waitFor("status names the missing pong", () =>
    t.ingest.status().connections.public!.lastError?.includes("no pong within 150 ms"),
  );
  t.fake.answerPing = true;
  await t.ready(["public"]);
});

test("trade ops go over the private WebSocket, and over REST while it is down", async () => {
  const t = setup({ candle: null });
  await t.ready(["private"]);
  const order = {
    instId: "ETH-USDT",
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "1",
    px: "3000",
    clOrdId: "c1",
  } as const;
  const a = await t.ingest.placeOrder(order);
  expect(a).toMatchObject({ clOrdId: "c1", code: "0", message: "Order placed" });
  expect(t.metrics.seen("order", "total", "ws").count).toBe(1);
  expect(a.ordId).toMatch(/^\d+$/);
  const sent = JSON.parse(t.fake.received.private.find((x) => x.includes('"op":"order"'))!);
  expect(sent).toEqual({
    id: expect.any(String),
    op: "order",
    args: [order],
    expTime: expect.stringMatching(/^\d{13}$/),
  });

  t.fake.onPlace = () => ({ ordId: "", clOrdId: "", ts: "1", sCode: "51008", sMsg: "Insufficient balance" });
  expect(await t.ingest.placeOrder(order)).toMatchObject({ code: "51008", message: "Insufficient balance" });
  expect(await t.ingest.cancelOrder({ instId: "ETH-USDT", ordId: "7" })).toMatchObject({ ordId: "7", code: "0" });
  expect(t.metrics.seen("order", "exchange_roundtrip", "ws").count).toBe(2);
  expect(t.metrics.seen("cancel-order", "exchange_roundtrip", "ws").count).toBe(1);

  t.fake.refuseLogin = true;
  t.fake.drop("private");
  await t.waitFor("private down", () => t.ingest.status().connections.private!.state !== "ready");
  const r = await t.ingest.placeOrder(order);
  expect(r).toMatchObject({ code: "0" });
  expect(t.metrics.seen("order", "total", "rest").count).toBe(1);
  expect(t.metrics.seen("order", "exchange_internal", "rest").count).toBe(0); // REST answers carry no inTime/outTime
  await t.waitFor("op counts", () => t.ingest.status().tradeOps.rest === 1);
  expect(t.ingest.status().tradeOps).toMatchObject({ ws: 3, rest: 1, failed: 0 });
});

test("order lookups and instrument rules come over signed REST", async () => {
  const t = setup({ candle: null, credentials: CREDS }, (f) =>
    f.orders.set("77", { ...orders.data[0]!, ordId: "77", state: "canceled" }),
  );
  expect(await t.ingest.getOrder({ instId: "BTC-USDT", ordId: "77" })).toMatchObject({
    ordId: "77",
    state: "canceled",
    instId: "BTC-USDT",
  });
  expect(await t.ingest.getOrder({ instId: "BTC-USDT", ordId: "404" })).toBeNull();
  const spec = await t.waitFor("instrument loaded", () => t.ingest.instrument("ETH-USDT"));
  expect(spec).toEqual({ instId: "ETH-USDT", instType: "SPOT", ctVal: 1, minSz: 0.0001, lotSz: 0.0001, tickSz: 0.1 });
});

test("notice 64008 (service upgrade) makes the client reconnect on purpose", async () => {
  const t = setup({ credentials: null, candle: null });
  await t.ready(["public"]);
  t.fake.push("public", {
    event: "notice",
    code: "64008",
    msg: "The connection will soon be closed for a service upgrade. Please reconnect.",
  });
  await t.waitFor("reconnected after the notice", () => t.fake.opened.public === 2);
  await t.ready(["public"]);
});

test("a handshake that never completes counts as a failed attempt and is retried", async () => {
  const accepted: number[] = [];
  const silent = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { open: () => void accepted.push(Date.now()), data() {} },
  });
  cleanups.push(() => silent.stop(true));
  const t = setup({
    credentials: null,
    candle: null,
    wsUrl: `ws://127.0.0.1:${silent.port}/ws/v5`,
    timing: { ...DEFAULT_TIMING, loginTimeoutMs: 200, backoffBaseMs: 20, backoffMaxMs: 50 },
  });
  await t.waitFor("several attempts", () => accepted.length >= 3);
  await t.waitFor("status says why", () => t.ingest.status().connections.public!.lastError === "connect timed out");
});
