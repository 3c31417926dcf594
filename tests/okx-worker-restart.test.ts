// The ingest Worker dies (an uncaught error): it is started again, reconnects, market data and
// trade ops work again, and the ring's claim word is not left held.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RingProducer } from "../src/bus/ring.ts";
import type { IngestConfig } from "../src/exchange/config.ts";
import type { IngestStatus } from "../src/exchange/protocol.ts";
import { type Simulator, startSimulator } from "../src/sim/index.ts";
import { type Client, ofType, simConfig, startClient } from "./fixtures/okx/harness.ts";

let sim: Simulator;
let c: Client;
const INST = "BTC-USDT";
const seen: IngestStatus[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, instruments: [INST], tickMs: 20, candleMs: 0, checksum: true });
  const config = {
    ...simConfig(sim, { instruments: [INST], publishDepth: 5, candle: null, privateChannels: ["orders"] }),
    crashMarker: join(mkdtempSync(join(tmpdir(), "tw-crash-")), "crashed"),
  } as IngestConfig;
  c = startClient(config, new URL("./fixtures/crash-once-worker.ts", import.meta.url).href);
  c.ingest.onStatus((s) => seen.push(s));
});

afterAll(async () => {
  await c?.ingest.stop();
  await sim?.stop();
});

test("a crashed ingest Worker is restarted: connections, market data and orders come back", async () => {
  await c.ready(["public", "private"]);
  // The fixture throws about 1 s after start: the status says so, and orders fail fast meanwhile.
  await c.waitFor("the Worker to die", () => seen.some((s) => !s.running), 10_000);
  const during = await c.ingest
    .placeOrder({ instId: INST, tdMode: "cash", side: "buy", ordType: "limit", sz: "0.001", px: "1000" })
    .then(
      () => "answered",
      (e: Error) => e.name,
    );
  expect(["OkxUnavailableError", "answered"]).toContain(during);

  // Back: running again with both connections ready, fresh tickers after the crash.
  await c.waitFor(
    "running again",
    () => c.ingest.status().running && c.ingest.status().connections.private?.state === "ready",
    15_000,
  );
  const after = c.lastSeq();
  await c.waitFor("tickers after the restart", () => ofType(c.since(after), "ticker").length >= 3);
  const overWs = c.metrics.seen("order", "total", "ws").count;
  const ans = await c.ingest.placeOrder({
    instId: INST,
    tdMode: "cash",
    side: "buy",
    ordType: "limit",
    sz: "0.001",
    px: "1000",
    clOrdId: "afterrestart1",
  });
  expect(ans.code).toBe("0");
  expect(c.metrics.seen("order", "total", "ws").count).toBe(overWs + 1);
  await c.waitFor("its order event", () =>
    c.since(after).find((e) => e.type === "order" && e.json.data.clOrdId === "afterrestart1"),
  );

  // The main thread can still publish (the dead Worker did not keep the ring's claim).
  const p = new RingProducer(c.ring);
  const { seq } = p.publish({ type: "note", channel: "system", dataJson: "{}" });
  expect(seq).toBeGreaterThan(after);
}, 40_000);
