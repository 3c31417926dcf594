// Part 1 — ingest throughput: how many OKX frames/s the ingest Worker parses and publishes.
//
// Recording: the simulator (in this process) is stepped as fast as it goes while one public
// WebSocket client, subscribed to tickers/books/trades of every instrument, keeps every frame
// (the books snapshots apart). Replay: a local WS server plays the ingest Worker its subscribe
// acks and the snapshots, then every recorded frame back to back, as fast as the socket takes
// them. The ingest Worker (src/exchange/worker.ts, started by startIngest on a fresh ring) runs
// alone on core 0 (its thread moved there with `taskset -p`); this thread (server + RingReader)
// on core 1. Events are counted off the ring by a RingReader on this thread; the Worker's CPU is
// its own thread's utime+stime from /proc/self/task/<tid>/stat.

import type { ServerWebSocket } from "bun";
import { createRing, RingReader } from "../../src/bus/ring.ts";
import { nowMs } from "../../src/domain/time.ts";
import { DEFAULT_TIMING, type IngestConfig } from "../../src/exchange/config.ts";
import { startIngest } from "../../src/exchange/ingest.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { type Simulator, startSimulator } from "../../src/sim/index.ts";
import { cpuSeconds } from "../lib/proc.ts";
import { SERVER_CORE } from "../lib/servers.ts";

export type Recording = {
  snapshots: Map<string, string>;
  frames: string[];
  bytes: number;
  expected: Record<string, number>;
  steps: number;
  seconds: number;
};

export type IngestRun = {
  frames: number;
  events: number;
  byType: Record<string, number>;
  expected: number;
  seconds: number;
  framesPerS: number;
  eventsPerS: number;
  /** The ingest Worker's own thread, % of one core over the window, and CPU µs per frame. */
  workerCpuPct: number;
  workerUsPerFrame: number;
  /** This process (server, reader, Worker, GC threads) and its main thread, % of one core. */
  processCpuPct: number;
  mainCpuPct: number;
  /** When the last frame was handed to the socket, s after the first. */
  sendSeconds: number;
  overruns: number;
  malformed: number;
  resyncs: number;
};

/** Records `n` update frames (plus one books snapshot per instrument) from a simulator stepped flat out. */
export async function record(
  instruments: string[],
  n: number,
  checksum: boolean,
): Promise<{ rec: Recording; sim: Simulator }> {
  const t0 = performance.now();
  const sim = await startSimulator({
    instruments,
    tickMs: 0,
    candleMs: 0,
    rateLimits: false,
    idleCloseMs: 0,
    checksum,
    seed: 7,
  });
  const ws = new WebSocket(`${sim.wsUrl}/public`);
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = () => rej(new Error("recording: cannot connect to the simulator"));
  });
  const frames: string[] = [];
  const snapshots = new Map<string, string>();
  let pong: (() => void) | null = null;
  ws.onmessage = (e: MessageEvent) => {
    const text = String(e.data);
    if (text === "pong") return pong?.();
    if (text.startsWith('{"event"')) return;
    if (text.includes('"action":"snapshot"')) snapshots.set(/"instId":"([^"]+)"/.exec(text)?.[1] ?? "", text);
    else frames.push(text);
  };
  const sync = () =>
    new Promise<void>((r) => {
      pong = r;
      ws.send("ping");
    });
  const args = instruments.flatMap((instId) => ["tickers", "books", "trades"].map((channel) => ({ channel, instId })));
  ws.send(JSON.stringify({ op: "subscribe", args }));
  await sync();
  let steps = 0;
  while (frames.length < n) {
    sim.step(10);
    steps += 10;
    await sync(); // the simulator cuts a reader 8 MB behind
  }
  ws.close();
  frames.length = n;
  const expected: Record<string, number> = { ticker: 0, trade: 0, book: 0 };
  let bytes = 0;
  for (const f of frames) {
    bytes += f.length;
    const j = JSON.parse(f) as { arg: { channel: string }; data: unknown[] };
    const type = j.arg.channel === "tickers" ? "ticker" : j.arg.channel === "trades" ? "trade" : "book";
    expected[type]! += j.data.length;
  }
  return { rec: { snapshots, frames, bytes, expected, steps, seconds: (performance.now() - t0) / 1000 }, sim };
}

type Conn = ServerWebSocket<unknown>;

/** The local "OKX": acks, snapshots on subscribe, then the recording as fast as the socket drains. */
export function replayServer(rec: Recording) {
  let conn: Conn | null = null;
  let subscribed: (() => void) | null = null;
  let i = 0;
  let done: ((at: number) => void) | null = null;
  const pump = () => {
    const ws = conn;
    if (!ws || !done) return;
    while (i < rec.frames.length) {
      const r = ws.sendText(rec.frames[i++]!);
      if (r === -1) return; // queued behind backpressure: go on at drain()
      if (r === 0) throw new Error("replay: the ingest connection dropped a frame");
    }
    const d = done;
    done = null;
    d(nowMs());
  };
  const server = Bun.serve<unknown>({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("WebSocket only", { status: 426 })),
    websocket: {
      open(ws) {
        conn = ws;
      },
      message(ws, msg) {
        const text = String(msg);
        if (text === "ping") return void ws.sendText("pong");
        const req = JSON.parse(text) as { op?: string; args?: Array<{ channel: string; instId: string }> };
        if (req.op !== "subscribe" && req.op !== "unsubscribe") return;
        for (const arg of req.args ?? []) {
          ws.sendText(JSON.stringify({ event: req.op, arg, connId: "b0000001" }));
          const snap = rec.snapshots.get(arg.instId);
          if (req.op === "subscribe" && arg.channel === "books" && snap) ws.sendText(snap);
        }
        subscribed?.();
      },
      drain() {
        pump();
      },
      close(ws) {
        if (conn === ws) conn = null;
      },
    },
  });
  return {
    url: `ws://127.0.0.1:${server.port}/ws/v5`,
    /** Resolves once the (next) ingest connection has subscribed. */
    whenSubscribed: () => new Promise<void>((r) => (subscribed = r)),
    /** Sends every frame; resolves with the time the last one was handed to the socket. */
    blast: () =>
      new Promise<number>((r) => {
        i = 0;
        done = r;
        pump();
      }),
    stop: () => server.stop(true),
  };
}

/** One run: a fresh ring and ingest Worker, the snapshots, then the whole recording. */
export async function ingestRun(
  rec: Recording,
  replay: ReturnType<typeof replayServer>,
  sim: Simulator,
  instruments: string[],
  pin: boolean,
  log: (s: string) => void,
): Promise<IngestRun> {
  const ring = createRing({ capacity: 1 << 19, bytes: 512 << 20 });
  const reader = new RingReader(ring);
  let gotTid: (tid: number) => void = () => {};
  const tidP = new Promise<number>((r) => (gotTid = r));
  const base = createLogger("warn");
  const logger: Logger = { ...base, info: (m, f) => (m === "bench:tid" ? gotTid(Number(f?.tid)) : base.info(m, f)) };
  const config: IngestConfig = {
    restUrl: sim.url,
    wsUrl: replay.url,
    credentials: null,
    demo: false,
    instruments,
    tradable: instruments,
    book: "books",
    publishDepth: 25,
    candle: null,
    privateChannels: [],
    tradeThread: false,
    timing: DEFAULT_TIMING,
  };
  const subscribed = replay.whenSubscribed();
  const ingest = startIngest({
    ring,
    config,
    log: logger,
    workerUrl: new URL("./ingest-worker.ts", import.meta.url).href,
  });
  const tid = await Promise.race([tidP, Bun.sleep(10_000).then(() => 0)]);
  if (!tid) throw new Error("the ingest Worker did not report its thread id");
  if (pin) {
    const r = Bun.spawnSync(["taskset", "-p", "-c", SERVER_CORE, String(tid)], { stdout: "ignore", stderr: "pipe" });
    if (r.exitCode !== 0) log(`  could not pin the ingest thread: ${r.stderr.toString().trim()}`);
  }
  await subscribed;

  const byType: Record<string, number> = {};
  let after = 0;
  let overruns = 0;
  let lastPub = 0;
  const drainRing = () => {
    for (;;) {
      const r = reader.read(after, 65536);
      if (r.overrun) overruns++;
      for (const ev of r.events) {
        byType[ev.type] = (byType[ev.type] ?? 0) + 1;
        lastPub = ev.pubTs;
      }
      after = r.last;
      if (r.events.length === 0) return;
    }
  };
  const deadline = performance.now() + 15_000;
  while ((byType.book ?? 0) < instruments.length && performance.now() < deadline) {
    await reader.wait(50);
    drainRing();
  }
  if ((byType.book ?? 0) < instruments.length)
    log(`  only ${byType.book ?? 0} of ${instruments.length} book snapshots reached the ring`);
  for (const k of Object.keys(byType)) delete byType[k];

  const expected = Object.values(rec.expected).reduce((a, b) => a + b, 0);
  const w0 = cpuSeconds("self", tid);
  const m0 = cpuSeconds("self", process.pid);
  const p0 = cpuSeconds("self");
  // Counted by the ring's head (every event published since t0); the reader sorts them by type.
  const head0 = reader.head();
  after = head0;
  const t0 = nowMs();
  let sentAt = 0;
  void replay.blast().then((t) => (sentAt = t));
  let count = 0;
  let lastGrowth = performance.now();
  while (count < expected && performance.now() - lastGrowth < 2000) {
    await reader.wait(20);
    const before = count;
    drainRing();
    count = reader.head() - head0;
    if (count > before) lastGrowth = performance.now();
  }
  const w1 = cpuSeconds("self", tid);
  const m1 = cpuSeconds("self", process.pid);
  const p1 = cpuSeconds("self");
  const secs = (lastPub - t0) / 1000;
  const wall = (nowMs() - t0) / 1000; // CPU read now: the Worker has been idle since lastPub
  await Bun.sleep(100); // the Worker reports malformed frames and resyncs within 20 ms
  const st = ingest.status();
  await ingest.stop();
  const events = Object.values(byType).reduce((a, b) => a + b, 0);
  return {
    frames: rec.frames.length,
    events,
    byType,
    expected,
    seconds: secs,
    framesPerS: rec.frames.length / secs,
    eventsPerS: count / secs,
    workerCpuPct: ((w1 - w0) / secs) * 100,
    workerUsPerFrame: ((w1 - w0) / rec.frames.length) * 1e6,
    processCpuPct: ((p1 - p0) / wall) * 100,
    mainCpuPct: ((m1 - m0) / wall) * 100,
    sendSeconds: sentAt > 0 ? (sentAt - t0) / 1000 : Number.NaN,
    overruns,
    malformed: st.malformed,
    resyncs: st.resyncs,
  };
}
