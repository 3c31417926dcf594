// The private connection and the trade ops run in a Worker of their own: an order is placed and
// answered over the private WebSocket while the market-data thread is held up. With
// OKX_TRADE_THREAD=false (one thread for everything) the same order waits for the stall.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestConfig } from "../src/exchange/config.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { ofType, simConfig, startClient } from "./fixtures/okx/harness.ts";

const INST = "BTC-USDT";
const STALL_MS = 1_500;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 9, instruments: [INST], tickMs: 20, candleMs: 0, checksum: true });
});
afterAll(async () => {
  await sim?.stop();
});

/** Places one order while the market thread is stalled; returns its answer and how long it took. */
async function orderDuringStall(tradeThread: boolean, clOrdId: string) {
  const marker = join(mkdtempSync(join(tmpdir(), "tw-stall-")), "stall");
  const config = {
    ...simConfig(sim, { instruments: [INST], publishDepth: 5, candle: null, privateChannels: ["orders"], tradeThread }),
    stallMarker: marker,
    stallMs: STALL_MS,
  } as IngestConfig;
  const c = startClient(config, new URL("./fixtures/stall-market-worker.ts", import.meta.url).href);
  try {
    await c.ready(["public", "private"]);
    await c.waitFor("tickers", () => ofType(c.events, "ticker").length >= 2);
    writeFileSync(marker, "stall");
    await Bun.sleep(200); // the market thread looks for the marker every 5 ms
    const before = c.lastSeq();
    const t0 = performance.now();
    const ans = await c.ingest.placeOrder({
      instId: INST,
      tdMode: "cash",
      side: "buy",
      ordType: "limit",
      sz: "0.001",
      px: "1000",
      clOrdId,
    });
    const ms = performance.now() - t0;
    // Tickers published from placing until just after the answer: none while the market thread is held.
    c.lastSeq();
    const tickersMeanwhile = ofType(c.since(before), "ticker").length;
    return { ans, ms, tickersMeanwhile, viaWs: c.metrics.seen("order", "total", "ws").count };
  } finally {
    await c.ingest.stop();
  }
}

test("an order is answered over the private WebSocket while the market-data thread is held up", async () => {
  const r = await orderDuringStall(true, "tradethread1");
  expect(r.tickersMeanwhile).toBe(0); // the market thread was held the whole time
  expect(r.ans.code).toBe("0");
  expect(r.viaWs).toBe(1);
  expect(r.ans.clOrdId).toBe("tradethread1");
  expect(r.ms).toBeLessThan(STALL_MS / 2);
}, 20_000);

test("with OKX_TRADE_THREAD=false the same order waits for the stalled thread (what the split avoids)", async () => {
  const r = await orderDuringStall(false, "onethread1");
  expect(r.ans.code).toBe("0");
  expect(r.ms).toBeGreaterThan(STALL_MS / 2);
}, 20_000);
