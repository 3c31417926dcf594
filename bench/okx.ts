// The OKX benchmarks (`bun bench/okx.ts`): ingest throughput, tick-to-client latency, order round trip.
//
//   1. ingest   frames/s the ingest Worker parses and publishes (replayed simulator frames, as fast
//               as they go), events/s on the ring, the Worker thread's CPU   (bench/okx/ingest.ts)
//   2. latency  simulator ticker push -> SSE client read, N instruments x tickMs, C clients;
//               target p99 <= 2 ms                                           (bench/okx/ticks.ts)
//   3. orders   POST /api/orders -> HTTP answer, and -> `order` (live) on the SSE stream, one at a
//               time; target p99 <= 3 ms; with the market moving and with it quiet (bench/okx/orders.ts)
//
// Parts 2 and 3: the simulator runs in a process of its own under SCHED_IDLE (core 1, with the clients)
// and tradewire in a child process pinned to core 0 (CLICKHOUSE_ENABLED=false unless --env says).
// Part 1 runs startIngest in this process, its Worker thread moved to core 0.

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { startEnv } from "../scripts/start-env.ts";
import { median } from "./lib/hist.ts";
import { describeJitter, type Jitter, probeJitter } from "./lib/jitter.ts";
import { allowedCpus, cpuCount, sleep } from "./lib/proc.ts";
import { fmt, fmtPct } from "./lib/report.ts";
import { GENERATOR_CORE, installExitHooks, SERVER_CORE } from "./lib/servers.ts";
import { REPO } from "./lib/tradewire.ts";
import { instrumentList, pct } from "./okx/common.ts";
import { type IngestRun, ingestRun, record, replayServer } from "./okx/ingest.ts";
import { type OrdersRun, ordersRun } from "./okx/orders.ts";
import { startRig } from "./okx/rig.ts";
import { type StrategyLoad, startStrategyLoad } from "./okx/strategies.ts";
import { type TickRun, tickRun } from "./okx/ticks.ts";

const HELP = `bench/okx.ts - OKX ingest throughput, tick-to-client latency, order round trip

  --part LIST          jitter,ingest,latency,orders (default all four); jitter: how often the
                       machine takes each core away with nothing of ours running (the floor
                       under the p99s), a clock-reading spin of --jitter S seconds per core
  --runs N             runs of each part (default 3)
  --instruments N      spot pairs streamed (default 50)
  --tick-ms MS         simulator market step, i.e. updates per instrument (default 100 = 10/s)
  --clients N          SSE clients on tickers:* (default 100)
  --client native|js   the latency part's clients: C on one epoll loop in a Worker (default; compiled
                       by Bun's built-in TinyCC, no compiler needed) or JS sockets on this thread
  --duration S         measured seconds per latency run (default 10)
  --strategies N       latency part: N TWAP strategies trade through tradewire during every run
                       (each on an instrument of its own, IOC orders, buying and selling in turn),
                       together --strategy-rate orders a second; compare its p99 with a run
                       without (target: at most 0.5 ms more). Default 0: none
  --strategy-rate R    orders a second of all --strategies together (default 100)
  --dump FILE          latency part: per ticker push, the stage times as JSON rows [instrument, sim
                       write, ingest rx, ring pub, first read, last read, reads] (FILE.N per run);
                       orders part: per order [n, sent at, HTTP, event] (FILE.orders-moving.N,
                       FILE.orders-quiet.N); tradewire's own stages come from its /metrics
  --warmup S           seconds before measuring (default 2)
  --frames N           frames replayed per ingest run (default 200000)
  --orders N           orders measured per run and market mode (default 5000: each p99 is the 50th
                       slowest; over 1,000 orders, the 10th, it varied 1.8-3.7 ms within one run)
  --order-warmup N     orders placed first in each run, not measured (default 200: code not yet
                       compiled in a fresh process)
  --batch N            cancel_all after this many resting orders (default 100)
  --orders-market M    on, off or both: market data moving while ordering (default both)
  --checksum on|off    simulator books carry CRC32 checksums (default on: tradewire verifies them)
  --sim-sched S        idle (default): the simulator process runs under SCHED_IDLE, so it never
                       holds up the clients on the core they share; nice: at --sim-nice
  --sim-nice N         nice of the simulator with --sim-sched nice or --sim-thread (default 19)
  --sim-thread         the simulator in a Worker thread of this process, not in a process of its own
  --env KEY=VALUE      extra environment for tradewire (repeatable), e.g. STREAM_COALESCE_MS=0
  --out FILE           JSON results (default bench/results/okx-latest.json)
  --rig-runtime-default  the bench and simulator without the runtime settings of \`npm start\`
                       (package.json; tradewire always gets them), as before 2026-11-28
  --no-pin             do not pin (tradewire / ingest thread on core 0, the rest on core 1)
`;

const S = { type: "string" } as const;
const { values: v } = parseArgs({
  args: Bun.argv.slice(2),
  strict: true,
  options: {
    part: S,
    runs: S,
    strategies: S,
    "strategy-rate": S,
    instruments: S,
    "tick-ms": S,
    clients: S,
    duration: S,
    warmup: S,
    frames: S,
    orders: S,
    "order-warmup": S,
    batch: S,
    "orders-market": S,
    jitter: S,
    client: S,
    dump: S,
    checksum: S,
    "sim-nice": S,
    "sim-sched": S,
    out: S,
    env: { type: "string", multiple: true },
    "no-pin": { type: "boolean" },
    "rig-runtime-default": { type: "boolean" },
    "sim-thread": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
const str = (
  k: Exclude<keyof typeof v, "env" | "no-pin" | "rig-runtime-default" | "sim-thread" | "help">,
): string | undefined => v[k];
const int = (k: Parameters<typeof str>[0], def: number, min = 1): number => {
  const x = str(k) === undefined ? def : Number(str(k));
  if (!Number.isFinite(x) || x < min) throw new Error(`--${k}: "${str(k)}" is not a number >= ${min}`);
  return x;
};
if (v.help) {
  console.log(HELP);
  process.exit(0);
}
const parts = (str("part") ?? "jitter,ingest,latency,orders").split(",").map((s) => s.trim());
for (const p of parts)
  if (!["jitter", "ingest", "latency", "orders"].includes(p)) throw new Error(`--part: unknown "${p}"`);
const env: Record<string, string> = {};
for (const kv of v.env ?? []) {
  const i = kv.indexOf("=");
  if (i <= 0) throw new Error(`--env: "${kv}" is not KEY=VALUE`);
  env[kv.slice(0, i)] = kv.slice(i + 1);
}
if (!["idle", "nice", undefined].includes(str("sim-sched"))) throw new Error("--sim-sched: idle or nice");
if (!["native", "js", undefined].includes(str("client"))) throw new Error("--client: native or js");
const MODES: Record<string, boolean[] | undefined> = { on: [true], off: [false], both: [true, false] };
const marketModes = MODES[str("orders-market") ?? "both"];
if (!marketModes) throw new Error("--orders-market: on, off or both");
const opts = {
  parts,
  runs: int("runs", 3),
  instruments: int("instruments", 50),
  tickMs: int("tick-ms", 100),
  clients: int("clients", 100),
  client: (str("client") ?? "native") as "native" | "js",
  durationS: int("duration", 10, 0.1),
  strategies: int("strategies", 0, 0),
  strategyRate: int("strategy-rate", 100),
  warmupS: int("warmup", 2, 0),
  frames: int("frames", 200_000),
  jitterS: int("jitter", 10, 1),
  orders: int("orders", 5000),
  orderWarmup: int("order-warmup", 200, 0),
  batch: int("batch", 100),
  ordersMarket: str("orders-market") ?? "both",
  checksum: (str("checksum") ?? "on") !== "off",
  simNice: int("sim-nice", 19, 0),
  simIdle: (str("sim-sched") ?? "idle") === "idle",
  env,
  out: str("out") ?? join(REPO, "bench/results/okx-latest.json"),
  pin: !v["no-pin"],
};

// The bench (clients, ingest replay) and the simulator it spawns run with the runtime settings
// tradewire gets from `npm start` (bench/lib/tradewire.ts starts it so): without them their own
// JIT compiles and mimalloc scavenger runs take the clients' core for milliseconds and the
// simulator answers orders late, which the order round trip would count against tradewire. The
// runtime reads them at start, so this process runs again with them, under `taskset -c 1` (the
// generator core) as the other benches do.
const rigEnv = v["rig-runtime-default"] ? {} : startEnv();
const pinSelf = opts.pin && cpuCount() >= 2;
const rigEnvMissing = Object.entries(rigEnv).some(([key, value]) => process.env[key] !== value);
if (process.env.TRADEWIRE_BENCH_PINNED !== "1" && (pinSelf || rigEnvMissing)) {
  const cmd = [...(pinSelf ? ["taskset", "-c", GENERATOR_CORE] : []), process.execPath, ...process.argv.slice(1)];
  const child = Bun.spawn(cmd, {
    env: { ...process.env, ...rigEnv, TRADEWIRE_BENCH_PINNED: "1" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exit(await child.exited);
}
installExitHooks();
const log = (s: string) => console.log(s);
const instruments = instrumentList(opts.instruments);
const P = (p: { p50: number; p90: number; p99: number; p999: number; max: number }) =>
  `p50 ${fmt(p.p50)}  p90 ${fmt(p.p90)}  p99 ${fmt(p.p99)}  p99.9 ${fmt(p.p999)}  max ${fmt(p.max)} ms`;
const k = (n: number) => (n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));
const med = <T>(rs: T[], f: (r: T) => number) => median(rs.map(f));
const verdict = (p99: number, target: number) =>
  p99 <= target ? `MET (p99 ${fmt(p99)} <= ${target} ms)` : `NOT MET (p99 ${fmt(p99)} > ${target} ms)`;
const commit = Bun.spawnSync(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
const results: Record<string, unknown> = {
  started: new Date().toISOString(),
  commit,
  options: opts,
  machine: { cpus: cpuCount(), model: cpus()[0]?.model, kernel: release(), bun: Bun.version, pinnedTo: allowedCpus() },
};
log(
  `bench/okx.ts at ${commit}: ${opts.instruments} instruments, ${opts.runs} runs; this process on cpu ${allowedCpus()}`,
);

if (parts.includes("jitter")) {
  log(
    `\n0. machine jitter: a process spinning on the clock, ${opts.jitterS} s on each core, nothing else of ours running`,
  );
  const cores = [SERVER_CORE, GENERATOR_CORE];
  const js: Jitter[] = [];
  for (const core of cores) {
    const j = await probeJitter(core, opts.jitterS);
    js.push(j);
    log(`   core ${core}${core === SERVER_CORE ? " (tradewire's)" : " (clients, simulator)"}: ${describeJitter(j)}`);
  }
  results.jitter = js;
}

if (parts.includes("ingest")) {
  log(
    `\n1. ingest throughput: recording ${opts.frames} frames from the simulator (tickers, books${opts.checksum ? " with checksums" : ""}, trades of ${opts.instruments} instruments)...`,
  );
  const { rec, sim } = await record(instruments, opts.frames, opts.checksum);
  log(
    `   recorded in ${rec.seconds.toFixed(1)} s (${rec.steps} steps, ${(rec.bytes / 1e6).toFixed(1)} MB, avg ${(rec.bytes / rec.frames.length).toFixed(0)} B/frame); events expected per replay: ${JSON.stringify(rec.expected)}`,
  );
  const replay = replayServer(rec);
  const runs: IngestRun[] = [];
  try {
    for (let r = 0; r < opts.runs; r++) {
      const x = await ingestRun(rec, replay, sim, instruments, opts.pin, log);
      runs.push(x);
      const by = Object.entries(x.byType)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ");
      log(
        `   run ${r + 1}: ${x.frames} frames in ${x.seconds.toFixed(2)} s = ${k(x.framesPerS)} frames/s, ${k(x.eventsPerS)} events/s; ingest Worker thread ${pct(x.workerCpuPct)} of a core = ${x.workerUsPerFrame.toFixed(1)} µs CPU/frame; process ${pct(x.processCpuPct)} (main thread ${pct(x.mainCpuPct)}); last frame sent at ${x.sendSeconds.toFixed(2)} s; events ${x.events}/${x.expected} (${by}); resyncs ${x.resyncs}, malformed ${x.malformed}, ring overruns ${x.overruns}`,
      );
      await sleep(300);
    }
  } finally {
    replay.stop();
    await sim.stop();
  }
  const m = {
    framesPerS: med(runs, (r) => r.framesPerS),
    eventsPerS: med(runs, (r) => r.eventsPerS),
    workerCpuPct: med(runs, (r) => r.workerCpuPct),
    workerUsPerFrame: med(runs, (r) => r.workerUsPerFrame),
  };
  log(
    `   median: ${k(m.framesPerS)} frames/s, ${k(m.eventsPerS)} events/s, Worker thread ${pct(m.workerCpuPct)} (${m.workerUsPerFrame.toFixed(1)} µs/frame) [CPU: the Worker's own thread, /proc/self/task/<tid>/stat]`,
  );
  results.ingest = {
    recording: { frames: rec.frames.length, bytes: rec.bytes, steps: rec.steps, expected: rec.expected },
    runs,
    median: m,
  };
}

if (parts.includes("latency") || parts.includes("orders")) {
  log(
    `\nstarting the simulator and tradewire (core 0, env ${JSON.stringify({ CLICKHOUSE_ENABLED: "false", ...env })})...`,
  );
  const rig = await startRig(
    {
      instruments,
      tickMs: opts.tickMs,
      checksum: opts.checksum,
      simNice: opts.simNice,
      simIdle: opts.simIdle,
      simProcess: !v["sim-thread"],
      env,
    },
    log,
  );
  results.rig = { clockOffsetMs: rig.clockOffsetMs, clockRttMs: rig.clockRttMs, tradewire: rig.ep.info };
  try {
    rig.market(true);
    await sleep(2000);
    if (parts.includes("latency")) {
      log(
        `\n2. tick-to-client latency: ${opts.instruments} instruments every ${opts.tickMs} ms, ${opts.clients} SSE clients on tickers:* (${opts.client === "native" ? "C clients on one epoll loop in a Worker" : "JS sockets on this thread"}), ${opts.durationS} s per run`,
      );
      log(
        `   latency = client socket read (this process) - simulator's write of the ticker frame (simulator, clock offset ${(rig.clockOffsetMs * 1000).toFixed(0)} µs corrected)`,
      );
      const runs: TickRun[] = [];
      const load: StrategyLoad | undefined =
        opts.strategies > 0
          ? await startStrategyLoad(rig, { count: opts.strategies, ordersPerS: opts.strategyRate, instruments }, log)
          : undefined;
      for (let r = 0; r < opts.runs; r++) {
        const x = await tickRun(
          rig,
          {
            instruments,
            clients: opts.clients,
            durationS: opts.durationS,
            warmupS: opts.warmupS,
            tickMs: opts.tickMs,
            client: opts.client,
            ...(str("dump") ? { dump: `${str("dump")}.${r + 1}` } : {}),
          },
          log,
        );
        runs.push(x);
        const s = x.stagesMs;
        const th = x.tradewireThreads.map((t) => `${t.main ? "main" : `${t.comm}/${t.tid}`} ${pct(t.pct)}`).join(", ");
        log(
          `   run ${r + 1}: ${x.pushes} pushes (${x.pushesPerInstPerS.toFixed(2)}/s per instrument) x ${x.connected} clients: delivered ${x.delivered}/${x.expected} (loss ${fmtPct(x.lossPct)})${x.disconnected ? `, ${x.disconnected} clients closed by the server` : ""}`,
        );
        log(`          latency ${P(x.latencyMs)}`);
        log(
          `          stages p50/p99 (tradewire's clock): sim write->ingest rx ${fmt(s.simToRx.p50)}/${fmt(s.simToRx.p99)}, rx->ring ${fmt(s.rxToPub.p50)}/${fmt(s.rxToPub.p99)}, ring->client read ${fmt(s.pubToClient.p50)}/${fmt(s.pubToClient.p99)} ms`,
        );
        log(
          `          CPU: tradewire ${pct(x.tradewireCpuPct)} (${th}${x.tradewireLowered.threads ? `; ${x.tradewireLowered.threads} lowered threads (strategy Workers) ${pct(x.tradewireLowered.pct)} together` : ""}); bench main thread ${pct(x.benchMainCpuPct)}${Number.isFinite(x.clientThreadCpuPct) ? `, client Worker ${pct(x.clientThreadCpuPct)}` : ""}, simulator JS thread ${pct(x.simThreadCpuPct)} (step p50 ${fmt(x.simStepMs.p50)}, p99 ${fmt(x.simStepMs.p99)}, max ${fmt(x.simStepMs.max)} ms; ${x.simStepMs.late} late)`,
        );
      }
      const m = {
        p50: med(runs, (r) => r.latencyMs.p50),
        p99: med(runs, (r) => r.latencyMs.p99),
        p999: med(runs, (r) => r.latencyMs.p999),
        max: med(runs, (r) => r.latencyMs.max),
        lossPct: med(runs, (r) => r.lossPct),
        tradewireCpuPct: med(runs, (r) => r.tradewireCpuPct),
      };
      log(
        `   median: p50 ${fmt(m.p50)}  p99 ${fmt(m.p99)}  p99.9 ${fmt(m.p999)}  max ${fmt(m.max)} ms, loss ${fmtPct(m.lossPct)}, tradewire CPU ${pct(m.tradewireCpuPct)} -> target p99 <= 2 ms: ${verdict(m.p99, 2)}`,
      );
      const strategies = await load?.stop();
      if (strategies)
        log(
          `   strategies during the part: ${strategies.ordersPlaced} orders placed, ${strategies.ordersRejected} refused, ${strategies.fills} fills in ${strategies.seconds.toFixed(1)} s = ${strategies.ordersPerS.toFixed(1)} orders/s (target ${strategies.targetOrdersPerS.toFixed(0)}); end states ${JSON.stringify(strategies.states)}${strategies.errors.length ? `; ${strategies.errors.slice(0, 3).join("; ")}` : ""} -> compare the p99 with a run without --strategies (target: +0.5 ms at most)`,
        );
      results.latency = { runs, median: m, ...(strategies ? { strategies } : {}) };
    }
    if (parts.includes("orders")) {
      const spec = { instId: instruments[0]!, px: "20000", sz: "0.001" };
      log(
        `\n3. order round trip: ${opts.orders} limit buys ${spec.sz} ${spec.instId} @ ${spec.px} (rest) after ${opts.orderWarmup} unmeasured, one at a time, cancel_all every ${opts.batch}`,
      );
      const all: OrdersRun[] = [];
      for (const market of marketModes) {
        const runs: OrdersRun[] = [];
        for (let r = 0; r < opts.runs; r++) {
          const x = await ordersRun(
            rig,
            {
              orders: opts.orders,
              batch: opts.batch,
              warmup: opts.orderWarmup,
              market,
              spec,
              ...(str("dump") ? { dump: `${str("dump")}.orders-${market ? "moving" : "quiet"}.${r + 1}` } : {}),
            },
            log,
          );
          runs.push(x);
          log(
            `   run ${r + 1} (market ${market ? "moving" : "quiet"}): ${x.orders} orders; HTTP answer ${P(x.httpMs)}`,
          );
          const st = x.stagesMs;
          log(
            `          order event (live) ${P(x.eventMs)}; /metrics p50/p99 (within its buckets): tradewire's wait for OKX ${fmt(st.total.p50)}/${fmt(st.total.p99)} ms (WS round trip from the ingest thread ${fmt(st.exchangeRoundtrip.p50)}/${fmt(st.exchangeRoundtrip.p99)}, simulator's own ${fmt(st.exchangeInternal.p50)}/${fmt(st.exchangeInternal.p99)}; ${st.total.count} orders); cancel_all of ${opts.batch} p50 ${fmt(x.cancelAllMs.p50)} ms${Object.keys(x.failed).length ? `; failed ${JSON.stringify(x.failed)}` : ""}${x.missingEvents ? `; ${x.missingEvents} live events missing` : ""}`,
          );
        }
        const mh = med(runs, (r) => r.httpMs.p99);
        const me = med(runs, (r) => r.eventMs.p99);
        log(
          `   median (market ${market ? "moving" : "quiet"}): HTTP p50 ${fmt(med(runs, (r) => r.httpMs.p50))} p99 ${fmt(mh)} ms; event p50 ${fmt(med(runs, (r) => r.eventMs.p50))} p99 ${fmt(me)} ms -> target p99 <= 3 ms: HTTP ${verdict(mh, 3)}, event ${verdict(me, 3)}`,
        );
        all.push(...runs);
      }
      rig.market(true);
      results.orders = { spec, runs: all };
    }
  } finally {
    await rig.stop();
  }
}

results.finished = new Date().toISOString();
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
log(`\nresults: ${opts.out}`);
process.exit(0);
