// The OKX client in its Worker against the built-in simulator over real sockets: market data on
// the ring with books that pass the simulator's checksums, a dropped connection mid-stream
// (reconnect, resubscribe, right books, reconciled orders), a sequence gap, malformed frames,
// refused logins, and trade ops.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { DEFAULT_TIMING } from "../src/exchange/config.ts";
import { OkxRest } from "../src/exchange/okx/rest.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { type Client, ofType, simConfig, startClient, systemOf } from "./fixtures/okx/harness.ts";

let sim: Simulator;
let c: Client;
const INST = "BTC-USDT";

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 7, instruments: [INST], tickMs: 20, candleMs: 100, checksum: true });
  const config = simConfig(sim, {
    instruments: [INST],
    timing: { ...DEFAULT_TIMING, pingIntervalMs: 2_000, pongTimeoutMs: 1_000, backoffBaseMs: 20, backoffMaxMs: 300 },
  });
  c = startClient(config);
  await c.ready(["public", "private", "business"]);
});

afterAll(async () => {
  await c?.ingest.stop();
  await sim?.stop();
});

/** Waits for `n` book events after `seq` that follow each other without a resync. */
const booksAfter = (seq: number, n: number) =>
  c.waitFor(`${n} books after #${seq}`, () =>
    ofType(c.since(seq), "book").length >= n ? ofType(c.since(seq), "book") : null,
  );

test("tickers, books, trades and candles arrive on the ring; the books pass the simulator's checksums", async () => {
  const mark = c.lastSeq();
  const books = await booksAfter(mark, 20);
  await c.waitFor("ticker", () => ofType(c.since(mark), "ticker").length > 0);
  await c.waitFor("trade", () => ofType(c.events, "trade").length > 0);
  await c.waitFor("candle", () => ofType(c.events, "candle").length > 0);
  const b = books.at(-1)!.json;
  expect(books.at(-1)!.channel).toBe(`books:${INST}`);
  expect(b.data.bids.length).toBeGreaterThan(0);
  expect(Number(b.data.bids[0][0])).toBeLessThan(Number(b.data.asks[0][0]));
  expect(b.ts.ex).toBe(b.data.ts);
  expect(systemOf(c.events, "book_resync")).toHaveLength(0);
  expect(c.ingest.status().resyncs).toBe(0);
  const tick = ofType(c.events, "ticker").at(-1)!;
  expect(tick.json.ts.rx).toBeGreaterThanOrEqual(tick.json.ts.ex!);
});

test("a sequence gap: book_resync, then a fresh snapshot and a consistent book again", async () => {
  await booksAfter(c.lastSeq(), 2);
  const mark = c.lastSeq();
  sim.faults.sequenceGap(INST);
  const rs = await c.waitFor("book_resync", () => systemOf(c.since(mark), "book_resync")[0]);
  expect(rs.json.data).toMatchObject({ kind: "book_resync", instId: INST, reason: "gap" });
  await booksAfter(rs.seq, 10);
  expect(systemOf(c.since(rs.seq), "book_resync")).toHaveLength(0);
});

test("malformed frames are skipped and counted; the stream continues", async () => {
  const before = c.ingest.status().malformed;
  const mark = c.lastSeq();
  sim.faults.malformedFrames(3);
  await c.waitFor("3 malformed counted", () => c.ingest.status().malformed >= before + 3);
  await booksAfter(c.lastSeq(), 5);
  expect(c.ingest.status().connections.public!.state).toBe("ready");
  expect(c.since(mark).length).toBeGreaterThan(5);
});

test("trade ops over the private WebSocket: place and cancel, with the order pushes on the ring", async () => {
  const mark = c.lastSeq();
  const placed = await c.ingest.placeOrder({
    instId: INST,
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px: "20000",
    clOrdId: "simws1",
  });
  expect(placed).toMatchObject({ clOrdId: "simws1", code: "0" });
  // Each stage timed once, each inside the one before: the main thread's wait, the round trip
  // timed on the ingest thread, the simulator's own inTime -> outTime.
  const stage = (s: "total" | "exchange_roundtrip" | "exchange_internal") => c.metrics.seen("order", s, "ws");
  expect([stage("total").count, stage("exchange_roundtrip").count, stage("exchange_internal").count]).toEqual([
    1, 1, 1,
  ]);
  expect(stage("exchange_roundtrip").totalMs).toBeGreaterThan(0);
  expect(stage("total").totalMs).toBeGreaterThanOrEqual(stage("exchange_roundtrip").totalMs);
  expect(stage("exchange_roundtrip").totalMs).toBeGreaterThanOrEqual(stage("exchange_internal").totalMs);
  await c.waitFor("live order on the ring", () =>
    ofType(c.since(mark), "order").find((e) => e.json.data.ordId === placed.ordId && e.json.data.state === "live"),
  );
  const canceled = await c.ingest.cancelOrder({ instId: INST, ordId: placed.ordId });
  expect(canceled).toMatchObject({ ordId: placed.ordId, code: "0" });
  expect(c.metrics.seen("cancel-order", "total", "ws").count).toBe(1);
  await c.waitFor("canceled order on the ring", () =>
    ofType(c.since(mark), "order").find((e) => e.json.data.ordId === placed.ordId && e.json.data.state === "canceled"),
  );
  const bad = await c.ingest.placeOrder({
    instId: INST,
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "1000000",
    px: "20000",
  });
  expect(bad.code).not.toBe("0");
});

test("a dropped connection mid-stream: reconnect, resubscribe, books right again, missed order changes reconciled", async () => {
  // A resting order the client knows as live.
  const mark0 = c.lastSeq();
  const placed = await c.ingest.placeOrder({
    instId: INST,
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px: "21000",
    clOrdId: "simdrop1",
  });
  await c.waitFor("live", () => ofType(c.since(mark0), "order").find((e) => e.json.data.ordId === placed.ordId));
  const st0 = c.ingest.status();
  const mark = c.lastSeq();

  sim.faults.set({ dropConnections: true });
  await c.waitFor("resync for the lost public connection", () =>
    systemOf(c.since(mark), "book_resync").find((e) => e.json.data.reason === "disconnected"),
  );
  await c.waitFor("private down", () => c.ingest.status().connections.private!.state !== "ready");
  // While the client is away, the order is canceled by someone else (over REST).
  const rest = new OkxRest({ baseUrl: sim.url, credentials: sim.credentials, demo: true });
  const [ack] = await rest.cancelOrder({ instId: INST, ordId: placed.ordId });
  expect(ack!.sCode).toBe("0");
  // While down, a trade op falls back to REST.
  const viaRest = await c.ingest.placeOrder({
    instId: INST,
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px: "19000",
    clOrdId: "simrest1",
  });
  expect(viaRest).toMatchObject({ code: "0" });
  expect(c.metrics.seen("order", "total", "rest").count).toBe(1);
  sim.faults.set({ dropConnections: false });

  await c.ready(["public", "private", "business"]);
  const st = c.ingest.status();
  expect(st.connections.public!.reconnects).toBeGreaterThan(st0.connections.public!.reconnects);
  expect(st.connections.private!.reconnects).toBeGreaterThan(st0.connections.private!.reconnects);
  // Books resume from a fresh snapshot and keep passing the checksum.
  const rs = systemOf(c.since(mark), "book_resync").at(-1)!;
  await booksAfter(rs.seq, 10);
  expect(systemOf(c.since(rs.seq), "book_resync")).toHaveLength(0);
  // Reconciliation told the stream about the cancel it missed and the order placed over REST.
  await c.waitFor("canceled order reconciled", () =>
    ofType(c.since(mark), "order").find((e) => e.json.data.ordId === placed.ordId && e.json.data.state === "canceled"),
  );
  await c.waitFor("REST order reconciled", () =>
    ofType(c.since(mark), "order").find((e) => e.json.data.ordId === viaRest.ordId && e.json.data.state === "live"),
  );
  await c.ingest.cancelOrder({ instId: INST, ordId: viaRest.ordId });
});

test("refused logins: a clear error in the status, retries with backoff, and recovery", async () => {
  sim.faults.set({ refuseLogins: true, dropAll: true });
  const st = await c.waitFor("refusals with retries", () => {
    const p = c.ingest.status().connections.private!;
    return p.lastError?.startsWith("login refused: 60009") && p.state !== "ready" ? p : null;
  });
  const r0 = st.reconnects;
  await c.waitFor("more retries", () => c.ingest.status().connections.private!.reconnects >= r0 + 2);
  expect(c.ingest.status().connections.public!.state).toBe("ready");
  sim.faults.set({ refuseLogins: false });
  await c.ready(["private"]);
});
