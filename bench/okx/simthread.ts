// The OKX simulator of parts 2 and 3: a process of its own (spawned by rig.ts with IPC, the
// default) or a Worker thread of the bench process (--sim-thread), so that its market steps do
// not hold up the clients. Built from the simulator's own parts
// (resolveOptions, createContext, serve: what startSimulator does), but stepped here:
// - A step is what src/sim/context.ts step() does (walk, then cross + publish per instrument)
//   for one time slice of the pairs (as startSimulator spreads a tick), cut into pieces of at
//   most 0.5 ms that yield to I/O in between. In one piece, a step of
//   50 instruments takes 5-20 ms; an order op arriving meanwhile would wait for it, and that
//   is the simulator's delay, not tradewire's (nor OKX's: it matches orders on other machines
//   than the ones that push market data). Candles are pushed every 500 ms, as startSimulator does.
// - Every ticker push is time-stamped when it leaves: the simulator's single write point
//   (Session.write) is wrapped, and the time is taken just before ws.sendText().
//
// Messages: in  {t:"start", instruments, tickMs, checksum} | {t:"clock"} | {t:"market", on} | {t:"flush"} | {t:"stop"}
//           out {t:"ready", url, wsUrl, credentials, pid, tid} | {t:"clock", tw} | {t:"stamps", ...} | {t:"stopped"}

import { nowMs } from "../../src/domain/time.ts";
import { createContext, type SimContext } from "../../src/sim/context.ts";
import { resolveOptions } from "../../src/sim/options.ts";
import { serve } from "../../src/sim/server.ts";
import { Session } from "../../src/sim/ws/session.ts";
import { selfTid, tickKey } from "./common.ts";

declare const self: Worker;
// A Worker thread of the bench (its `self`), or a process of its own spawned with IPC (rig.ts).
const asProcess = Bun.isMainThread;
const TICKER_HEAD = '{"arg":{"channel":"tickers","instId":"';
const SLICE_MS = 0.5;
const CANDLE_MS = 500;

export type ToSim =
  | { t: "start"; instruments: string[]; tickMs: number; checksum: boolean }
  | { t: "clock" }
  | { t: "market"; on: boolean }
  | { t: "flush" }
  | { t: "stop" };

export type FromSim =
  | {
      t: "ready";
      url: string;
      wsUrl: string;
      credentials: { apiKey: string; secretKey: string; passphrase: string };
      pid: number;
      tid: number;
    }
  | { t: "clock"; tw: number }
  | { t: "stamps"; keys: Float64Array; times: Float64Array; steps: number[]; late: number }
  | { t: "stopped" };

let ctx: SimContext | null = null;
let server: ReturnType<typeof serve> | null = null;
let index = new Map<string, number>();
let keys: number[] = [];
let times: number[] = [];
let steps: number[] = []; // wall time of each market step (slices and the I/O between them), ms
let late = 0; // steps that started more than one tick late
let running = false;
let generation = 0; // a loop stopped and restarted while asleep must not run twice
let tickMs = 100;
const post = (m: FromSim, transfer: ArrayBuffer[] = []) =>
  asProcess ? process.send!(m) : self.postMessage(m, transfer);
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

// Wrap the one place where the simulator writes a frame to a socket.
const proto = Session.prototype as unknown as { write(this: Session, text: string): void };
const write = proto.write;
proto.write = function (this: Session, text: string): void {
  if (!text.startsWith(TICKER_HEAD)) return write.call(this, text);
  const t = nowMs();
  write.call(this, text);
  const q = text.indexOf('"', TICKER_HEAD.length);
  const inst = index.get(text.slice(TICKER_HEAD.length, q));
  const p = text.lastIndexOf('"ts":"');
  const ts = p < 0 ? Number.NaN : Number.parseInt(text.slice(p + 6, p + 26), 10);
  if (inst !== undefined && Number.isFinite(ts)) {
    keys.push(tickKey(ts, inst));
    times.push(t);
  }
};

/** src/sim/context.ts step() for one slice of the pairs, yielding to I/O every SLICE_MS. */
async function step(c: SimContext, at: number, part: number, parts: number): Promise<void> {
  let slice = performance.now();
  for (const m of c.market.step(at, part, parts)) {
    c.matcher.cross(m, at);
    c.feed.publish(m, at);
    if (performance.now() - slice > SLICE_MS) {
      await yieldToIo();
      slice = performance.now();
    }
  }
}

/**
 * The market steps as startSimulator runs them: a tick spread over slices of at least 5 ms,
 * each stepping its share of the pairs (pushes spread out over the tick, as on OKX).
 */
async function loop(gen: number): Promise<void> {
  const parts = ctx ? ctx.market.slicesPerTick(tickMs) : 1;
  const period = tickMs / parts;
  let part = 0;
  let next = nowMs() + period;
  let lastCandles = 0;
  while (running && gen === generation && ctx) {
    await Bun.sleep(Math.max(0, next - nowMs()));
    if (!running || gen !== generation) return;
    const t0 = nowMs();
    if (t0 - next > period) late++;
    const at = Date.now();
    await step(ctx, at, part, parts);
    part = (part + 1) % parts;
    if (at - lastCandles >= CANDLE_MS) {
      await yieldToIo();
      ctx.feed.publishCandles(at);
      lastCandles = at;
    }
    steps.push(nowMs() - t0);
    next += period;
    if (next < nowMs()) next = nowMs() + period; // fell behind: do not run steps back to back
  }
}

async function onMessage(m: ToSim): Promise<void> {
  switch (m.t) {
    case "start": {
      index = new Map(m.instruments.map((id, i) => [id, i]));
      tickMs = m.tickMs;
      // rate limits off: the bench places orders faster than OKX's 60 per 2 s per instrument
      const opts = resolveOptions({
        instruments: m.instruments,
        rateLimits: false,
        idleCloseMs: 0,
        checksum: m.checksum,
        seed: 7,
      });
      ctx = createContext(opts);
      server = serve(ctx);
      const base = `127.0.0.1:${server.port}`;
      post({
        t: "ready",
        url: `http://${base}`,
        wsUrl: `ws://${base}/ws/v5`,
        credentials: opts.credentials,
        pid: process.pid,
        tid: selfTid(),
      });
      return;
    }
    case "clock":
      post({ t: "clock", tw: nowMs() });
      return;
    case "market":
      if (m.on && !running) {
        running = true;
        void loop(++generation);
      } else if (!m.on) running = false;
      return;
    case "flush": {
      const k = Float64Array.from(keys);
      const t = Float64Array.from(times);
      post({ t: "stamps", keys: k, times: t, steps, late }, [k.buffer, t.buffer]);
      keys = [];
      times = [];
      steps = [];
      late = 0;
      return;
    }
    case "stop":
      running = false;
      for (const s of ctx?.hub.sessions ?? []) s.close(1001, "simulator stopping");
      await server?.stop(true);
      post({ t: "stopped" });
      if (asProcess) setTimeout(() => process.exit(0), 50);
      return;
  }
}
if (asProcess) process.on("message", (m: ToSim) => void onMessage(m));
else self.onmessage = (e: MessageEvent<ToSim>) => void onMessage(e.data);
