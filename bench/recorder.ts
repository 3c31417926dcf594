// The recorder benchmark (`bun bench/recorder.ts`): what recording into ClickHouse (chDB) costs the
// thread that serves streams, and how many rows/s the recorder writes.
//
// Part 1 — stream latency with and without recording: tradewire in its own process (pinned to
//   core 0, like bench/latency.ts), SSE subscribers and a publisher on core 1; the publisher's
//   events are trades (`trades:BENCH-USDT`), so with recording on every event is also a row.
//   Target: at 1,000 events/s recorded, p99 within 1 ms of the figure without recording.
// Part 2 — recorder throughput: tradewire in this process; a Worker (standing in for the OKX ingest
//   thread) puts a burst of trades on the ring as fast as it can; rows/s until ClickHouse has them
//   all, and the main thread's event-loop lag (a 1 ms timer's lateness) meanwhile, against the
//   same burst with recording off.
//
//   bun bench/recorder.ts [--rate 1000] [--clients 100] [--duration 10] [--runs 2] [--rows 200000] [--nice 10] [--no-pin]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RingHandle, RingProducer } from "../src/bus/ring.ts";
import { testConfig } from "../src/config.ts";
import { startServer } from "../src/server.ts";
import type { Endpoint } from "./lib/endpoint.ts";
import { cpuCount } from "./lib/proc.ts";
import { runOnce } from "./lib/run.ts";
import { GENERATOR_CORE } from "./lib/servers.ts";
import { startTradewire } from "./lib/tradewire.ts";

declare const self: Worker;
const INST = "BENCH-USDT";

// In a Worker this file is the burst producer of part 2.
if (!Bun.isMainThread) {
  self.onmessage = (e: MessageEvent<{ handle: RingHandle; rows: number }>) => {
    const p = new RingProducer(e.data.handle);
    const ts = Date.now();
    for (let i = 0; i < e.data.rows; i++)
      p.publish({
        type: "trade",
        channel: `trades:${INST}`,
        dataJson: `{"instId":"${INST}","tradeId":"${i}","px":"100.${i % 100}","sz":"0.01","side":"buy","ts":${ts + i}}`,
      });
    self.postMessage("done");
  };
} else await main();

async function main(): Promise<void> {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const opts = {
    rate: arg("rate", 1000),
    clients: arg("clients", 100),
    duration: arg("duration", 10),
    runs: arg("runs", 2),
    rows: arg("rows", 200_000),
    nice: arg("nice", 10),
    pin: !process.argv.includes("--no-pin"),
  };
  const log = (s: string) => console.log(s);

  /** Re-runs this script under `taskset -c 1` (the generator's core), as bench/latency.ts does. */
  if (opts.pin && process.env.TRADEWIRE_BENCH_PINNED !== "1" && cpuCount() >= 2) {
    const child = Bun.spawn(["taskset", "-c", GENERATOR_CORE, process.execPath, ...process.argv.slice(1)], {
      env: { ...process.env, TRADEWIRE_BENCH_PINNED: "1" },
      stdio: ["inherit", "inherit", "inherit"],
    });
    process.exit(await child.exited);
  }

  /** The bench endpoint, but publishing trades the recorder keeps (the `"t"`/`"n"` the clients time stay first). */
  function tradeEndpoint(ep: Endpoint): Endpoint {
    const ch = `trades:${INST}`;
    return {
      ...ep,
      sse: { ...ep.sse, path: `/api/events/stream?channels=${ch}` },
      publish: {
        path: "/api/events",
        wrap: (d) =>
          `{"type":"trade","channel":"${ch}","data":{${d.slice(1, -1)},"instId":"${INST}","tradeId":"b","px":"100.5","sz":"0.01","side":"buy","ts":${Date.now()}}}`,
      },
    };
  }

  async function metricSum(base: string, name: string): Promise<number> {
    const text = await (await fetch(`${base}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith(`${name}{table="trades"}`) || l.startsWith(`${name} `))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  }

  async function streamPart(): Promise<void> {
    log(
      `part 1: SSE, ${opts.clients} clients, ${opts.rate} trades/s, ${opts.duration} s x ${opts.runs} runs per mode (server on core 0)`,
    );
    const p99: Record<string, number[]> = { off: [], on: [] };
    for (let run = 0; run < opts.runs; run++) {
      for (const mode of ["off", "on"] as const) {
        const server = await startTradewire({
          OKX_ENABLED: "false",
          CLICKHOUSE_ENABLED: mode === "on" ? "true" : "false",
          RECORDER_NICE: String(opts.nice),
        });
        try {
          const ep = tradeEndpoint(server.endpoint);
          const base = `http://${ep.host}:${ep.port}`;
          const r = await runOnce(
            ep,
            {
              transport: "sse",
              clients: opts.clients,
              rate: opts.rate,
              durationS: opts.duration,
              warmupS: 2,
              drainS: 3,
            },
            run,
            log,
          );
          await Bun.sleep(1500); // the recorder's last batch
          const written = await metricSum(base, "recorder_rows_written_total");
          const dropped = await metricSum(base, "recorder_dropped_rows_total");
          p99[mode]!.push(r.latencyMs.p99);
          log(
            `  recording ${mode.padEnd(3)} run ${run + 1}: p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  p99.9 ${r.latencyMs.p999.toFixed(2)} ms  loss ${r.lossPct.toFixed(2)}%  server cpu ${r.serverCpuPct.toFixed(0)}%  rows written ${written} dropped ${dropped}${r.disturbed ? "  (disturbed by other load)" : ""}`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    const med = (a: number[]) => {
      const b = [...a].sort((x, y) => x - y);
      const m = Math.floor(b.length / 2);
      return b.length % 2 ? b[m]! : (b[m - 1]! + b[m]!) / 2;
    };
    const delta = med(p99.on!) - med(p99.off!);
    log(
      `  median p99: off ${med(p99.off!).toFixed(2)} ms, on ${med(p99.on!).toFixed(2)} ms, difference ${delta.toFixed(2)} ms (target: within 1 ms) -> ${delta <= 1 ? "MET" : "NOT MET"}`,
    );
  }

  async function burst(recording: boolean): Promise<{
    published: number;
    rowsPerS: number;
    lagP99: number;
    lagMax: number;
    written: number;
    overrun: number;
    seconds: number;
  }> {
    const dir = mkdtempSync(join(tmpdir(), "tw-bench-rec-"));
    const s = await startServer(
      testConfig({
        DATA_DIR: dir,
        CLICKHOUSE_ENABLED: recording ? "true" : "false",
        BUS_CAPACITY: String(1 << 18),
        BUS_BYTES: String(256 << 20),
        RECORDER_BATCH_ROWS: "50000",
        RECORDER_FLUSH_MS: "200",
        RECORDER_NICE: String(opts.nice),
      }),
    );
    const lags: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(Math.max(0, now - last - 1));
      last = now;
    }, 1);
    const t0 = performance.now();
    const w = new Worker(import.meta.url);
    await new Promise<void>((resolve) => {
      w.onmessage = () => resolve();
      w.postMessage({ handle: s.producer.handle, rows: opts.rows });
    });
    w.terminate();
    const published = (performance.now() - t0) / 1000;
    let written = 0;
    let overrun = 0;
    if (recording) {
      for (;;) {
        const st = s.history.stats();
        written = st?.written.trades ?? 0;
        overrun = st?.overrunEvents ?? 0;
        if (written + overrun >= opts.rows || performance.now() - t0 > 120_000) break;
        await Bun.sleep(5);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
    lags.sort((a, b) => a - b);
    return {
      published,
      rowsPerS: written / seconds,
      lagP99: lags[Math.floor(lags.length * 0.99)] ?? 0,
      lagMax: lags.at(-1) ?? 0,
      written,
      overrun,
      seconds,
    };
  }

  async function throughputPart(): Promise<void> {
    log(
      `part 2: a burst of ${opts.rows} trades on the ring; recorder rows/s into chDB and this thread's event-loop lag`,
    );
    const off = await burst(false);
    log(
      `  recording off: burst published in ${off.published.toFixed(2)} s; loop lag p99 ${off.lagP99.toFixed(2)} ms, max ${off.lagMax.toFixed(2)} ms`,
    );
    const on = await burst(true);
    log(
      `  recording on:  burst published in ${on.published.toFixed(2)} s; ${on.written} rows written in ${on.seconds.toFixed(2)} s = ${Math.round(on.rowsPerS)} rows/s (overrun ${on.overrun}); loop lag p99 ${on.lagP99.toFixed(2)} ms, max ${on.lagMax.toFixed(2)} ms`,
    );
  }

  await throughputPart();
  await streamPart();
  process.exit(0);
}
