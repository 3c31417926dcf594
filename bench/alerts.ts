// bench/alerts.ts - what price alerts cost the bus reader (src/services/alerts.ts, its consume()
// on every batch, in this process as the server runs it): batches of tickers of 50 instruments as
// the simulator publishes them (10 a second each), with no alert, then with 50 alerts waiting on
// every instrument (2,500: 50 users at their most); reports the time per ticker event (p50 and
// max of --runs), and the share of a core at 500 tickers a second.
//   bun bench/alerts.ts [--runs 7] [--events 200000]

import { MemoryAlertStore } from "../src/alerts/store.ts";
import type { BusEvent } from "../src/bus/ring.ts";
import { createLogger } from "../src/log.ts";
import { AlertService } from "../src/services/alerts.ts";
import { textEvent } from "../tests/fixtures/bus-event.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const RUNS = arg("--runs", 7);
const EVENTS = arg("--events", 200_000);
const INSTRUMENTS = Array.from({ length: 50 }, (_, i) => `C${i}-USDT`);
const BATCH = 50;

/** A ticker as OKX's normalized one, about the size it is on the bus. */
const ticker = (seq: number, instId: string, last: number): BusEvent =>
  textEvent(seq, "ticker", `tickers:${instId}`, {
    instId,
    last: last.toFixed(1),
    lastSz: "0.01",
    bidPx: (last - 0.1).toFixed(1),
    bidSz: "1.2",
    askPx: (last + 0.1).toFixed(1),
    askSz: "0.8",
    open24h: "43000.0",
    high24h: "43500.0",
    low24h: "42500.0",
    vol24h: "12345.6",
    volCcy24h: "530000000",
    ts: 1_796_000_000_000 + seq,
  });

async function service(alertsPerInstrument: number): Promise<AlertService> {
  const s = await AlertService.open({
    store: new MemoryAlertStore(),
    publisher: { publish: () => ({ id: "x", seq: 0, pubTs: 0 }) },
    state: { get: () => ({ last: "1000" }), list: () => [] },
    instruments: new Set(INSTRUMENTS),
    log: createLogger("error"),
  });
  // Far from the market: they wait throughout, and every ticker of their instrument is checked.
  for (const instId of INSTRUMENTS)
    for (let k = 0; k < alertsPerInstrument; k++)
      await s.create({ user: `u${k}`, role: "viewer" }, { instId, price: 2000 + k });
  return s;
}

const batches: BusEvent[][] = [];
for (let i = 0, seq = 0; i < EVENTS / BATCH; i++) {
  const b: BusEvent[] = [];
  for (let j = 0; j < BATCH; j++, seq++) b.push(ticker(seq, INSTRUMENTS[seq % INSTRUMENTS.length]!, 1000 + (seq % 7)));
  batches.push(b);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log(
  `bench/alerts.ts: ${EVENTS} ticker events of ${INSTRUMENTS.length} instruments in batches of ${BATCH}, ${RUNS} runs`,
);
for (const perInst of [0, 50]) {
  const s = await service(perInst);
  const ns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = Bun.nanoseconds();
    for (const b of batches) s.consume(b);
    ns.push((Bun.nanoseconds() - t0) / EVENTS);
  }
  const p50 = pct(ns, 0.5);
  console.log(
    `  ${String(perInst * INSTRUMENTS.length).padStart(5)} alerts waiting: ${p50.toFixed(0)} ns a ticker (p50; max ${Math.max(...ns).toFixed(0)}), ` +
      `${((p50 * 500) / 1e7).toFixed(3)}% of a core at 500 tickers/s`,
  );
}
