// Part 2 — tick-to-client latency: the simulator pushes tickers of N instruments every tickMs;
// C raw SSE clients subscribed to `tickers:*` read them from tradewire. Latency = the client's
// socket read (this thread) minus the moment the simulator handed that ticker frame to its
// socket (simulator, corrected by the measured clock offset). Pushes and deliveries are
// matched by (instId, OKX ts): the simulator stamps each ticker it writes, tradewire carries
// the OKX ts through as ts.ex. Only pushes sent inside the measured window count.
//
// The stages use tradewire's own stamps in the event (ts.rx: frame arrived in the ingest
// Worker, ts.pub: event on the ring): another process's clock, so they are approximate.

import { nowMs } from "../../src/domain/time.ts";
import { Histogram, type Percentiles } from "../lib/hist.ts";
import { cpuSeconds, sleep, treeCpuSeconds } from "../lib/proc.ts";
import { loweredUse, SseConn, threadTable, threadUse, tickKey } from "./common.ts";
import { NativeClients } from "./native.ts";
import type { Rig } from "./rig.ts";

export type TickRun = {
  client: "native" | "js";
  clients: number;
  connected: number;
  pushes: number;
  pushesPerInstPerS: number;
  expected: number;
  delivered: number;
  lossPct: number;
  latencyMs: Percentiles;
  stagesMs: { simToRx: Percentiles; rxToPub: Percentiles; pubToClient: Percentiles };
  tradewireCpuPct: number;
  tradewireThreads: Array<{ tid: number; comm: string; main: boolean; pct: number }>;
  /** tradewire's threads under SCHED_IDLE or a positive nice (the strategy Workers), all together. */
  tradewireLowered: { threads: number; pct: number };
  benchMainCpuPct: number;
  /** The native clients' Worker thread (NaN with JS clients, which run on the main thread). */
  clientThreadCpuPct: number;
  simThreadCpuPct: number;
  simStepMs: { p50: number; p99: number; max: number; late: number };
  disconnected: number;
  serverStats?: Record<string, unknown>;
};

/** Finds each ticker event's channel and ts object in the raw stream; a cut event waits for the next read. */
function tickerScanner(idx: Map<string, number>, onTick: (key: number, rx: number, pub: number, at: number) => void) {
  const NEEDLE = '"channel":"tickers:';
  let carry = "";
  const num = (s: string, key: string, from: number, to: number) => {
    const p = s.indexOf(key, from);
    return p < 0 || p > to ? Number.NaN : Number.parseFloat(s.slice(p + key.length, to));
  };
  return (text: string, at: number) => {
    const s = carry.length > 0 ? carry + text : text;
    let i = 0;
    let keep = -1;
    for (;;) {
      const k = s.indexOf(NEEDLE, i);
      if (k < 0) break;
      const close = s.indexOf("}", k); // end of "ts":{"ex":..,"rx":..,"pub":..}
      if (close < 0) {
        keep = k;
        break;
      }
      const from = k + NEEDLE.length;
      const inst = idx.get(s.slice(from, s.indexOf('"', from)));
      const ex = num(s, '"ex":', k, close);
      if (inst !== undefined && Number.isFinite(ex))
        onTick(tickKey(ex, inst), num(s, '"rx":', k, close), num(s, '"pub":', k, close), at);
      i = close + 1;
    }
    carry = keep >= 0 ? s.slice(keep) : s.slice(Math.max(i, s.length - NEEDLE.length));
  };
}

export async function tickRun(
  rig: Rig,
  o: {
    instruments: string[];
    clients: number;
    durationS: number;
    warmupS: number;
    tickMs: number;
    client: "native" | "js";
    dump?: string;
  },
  log: (s: string) => void,
): Promise<TickRun> {
  const idx = new Map(o.instruments.map((id, i) => [id, i]));
  const dKeys: number[] = [];
  const dAt: number[] = [];
  const dPub: number[] = [];
  const first = new Map<number, { rx: number; pub: number }>();
  const onTick = (key: number, rx: number, pub: number, at: number) => {
    dKeys.push(key);
    dAt.push(at);
    dPub.push(pub);
    if (!first.has(key)) first.set(key, { rx, pub });
  };
  await rig.flush(); // stamps from before this run
  const path = "/api/events/stream?channels=tickers:*";
  // The light C clients (default) or JS clients on this thread, one per connection.
  const native =
    o.client === "native"
      ? new NativeClients(
          rig.ep,
          path,
          o.clients,
          o.instruments,
          Math.ceil(o.clients * o.instruments.length * (1000 / o.tickMs) * (o.warmupS + o.durationS + 4) * 1.2),
        )
      : null;
  const clients: SseConn[] = [];
  let connected: number;
  if (native) connected = await native.ready(15_000);
  else {
    for (let i = 0; i < o.clients; i++) clients.push(new SseConn(rig.ep, path, tickerScanner(idx, onTick)));
    for (let i = 0; i < clients.length; i += 100) {
      const wave = clients.slice(i, i + 100);
      for (const c of wave) c.connect();
      await Promise.race([Promise.allSettled(wave.map((c) => c.ready)), sleep(15_000)]);
    }
    connected = clients.filter((c) => c.state === "open").length;
  }
  if (connected < o.clients) log(`  ${o.clients - connected} of ${o.clients} SSE clients failed to connect`);
  await sleep(o.warmupS * 1000);

  const pid = rig.ep.pid!;
  const tw0 = threadTable(pid);
  const s0 = treeCpuSeconds(pid);
  const m0 = cpuSeconds("self", process.pid);
  const sim0 = cpuSeconds(rig.simPid, rig.simTid);
  const c0 = native ? cpuSeconds("self", native.tid) : Number.NaN;
  const winStart = nowMs();
  await sleep(o.durationS * 1000);
  const winEnd = nowMs();
  const secs = (winEnd - winStart) / 1000;
  const tw1 = threadTable(pid);
  const s1 = treeCpuSeconds(pid);
  const m1 = cpuSeconds("self", process.pid);
  const sim1 = cpuSeconds(rig.simPid, rig.simTid);
  const c1 = native ? cpuSeconds("self", native.tid) : Number.NaN;
  await sleep(1000); // late deliveries of the window's last pushes
  const stamps = await rig.flush();
  let disconnected: number;
  if (native) {
    const before = native.stats();
    const recs = await native.stop();
    for (let i = 0; i < recs.count; i++) {
      const r = recs.get(i);
      onTick(tickKey(r.ex, r.inst), r.rx, r.pub, r.at);
    }
    disconnected = before.closed;
    if (before.dropped > 0 || before.unknownInst > 0 || before.badHead > 0)
      log(`  native clients: ${JSON.stringify(before)}`);
  } else {
    disconnected = clients.filter((c) => c.state === "closed" && !c.closing).length;
    for (const c of clients) c.close();
  }

  // The window's pushes, on this thread's clock.
  const sent = new Map<number, number>();
  for (let i = 0; i < stamps.keys.length; i++) {
    const t = stamps.times[i]! - rig.clockOffsetMs;
    if (t >= winStart && t < winEnd) sent.set(stamps.keys[i]!, t);
  }
  if (o.dump) {
    // Per push in the window: [instrument, sim write, ingest rx, ring pub, first client read, last client read, reads] (ms, this thread's clock).
    const per = new Map<number, { sent: number; at: number[] }>();
    for (let i = 0; i < dKeys.length; i++) {
      const sentAt = sent.get(dKeys[i]!);
      if (sentAt === undefined) continue;
      let e = per.get(dKeys[i]!);
      if (!e) per.set(dKeys[i]!, (e = { sent: sentAt, at: [] }));
      e.at.push(dAt[i]!);
    }
    const rows = [...per].map(([key, e]) => [
      key % 64,
      e.sent,
      first.get(key)!.rx,
      first.get(key)!.pub,
      Math.min(...e.at),
      Math.max(...e.at),
      e.at.length,
    ]);
    await Bun.write(o.dump, JSON.stringify(rows));
  }
  const hist = new Histogram();
  const toClient = new Histogram();
  let delivered = 0;
  for (let i = 0; i < dKeys.length; i++) {
    const t = sent.get(dKeys[i]!);
    if (t === undefined) continue;
    hist.recordMs(dAt[i]! - t);
    toClient.recordMs(dAt[i]! - dPub[i]!);
    delivered++;
  }
  const simToRx = new Histogram();
  const rxToPub = new Histogram();
  for (const [key, t] of sent) {
    const f = first.get(key);
    if (!f) continue;
    simToRx.recordMs(f.rx - t);
    rxToPub.recordMs(f.pub - f.rx);
  }
  const steps = [...stamps.steps].sort((a, b) => a - b);
  const q = (p: number) => steps[Math.min(steps.length - 1, Math.floor(p * steps.length))] ?? Number.NaN;
  const expected = sent.size * connected;
  return {
    client: o.client,
    clients: o.clients,
    connected,
    pushes: sent.size,
    pushesPerInstPerS: sent.size / o.instruments.length / secs,
    expected,
    delivered,
    lossPct: expected > 0 ? ((expected - delivered) / expected) * 100 : Number.NaN,
    latencyMs: hist.summary(),
    stagesMs: { simToRx: simToRx.summary(), rxToPub: rxToPub.summary(), pubToClient: toClient.summary() },
    tradewireCpuPct: ((s1 - s0) / secs) * 100,
    tradewireThreads: threadUse(pid, tw0, tw1, secs).slice(0, 6),
    tradewireLowered: loweredUse(tw0, tw1, secs),
    benchMainCpuPct: ((m1 - m0) / secs) * 100,
    clientThreadCpuPct: ((c1 - c0) / secs) * 100,
    simThreadCpuPct: ((sim1 - sim0) / secs) * 100,
    simStepMs: { p50: q(0.5), p99: q(0.99), max: steps.at(-1) ?? Number.NaN, late: stamps.late },
    disconnected,
    serverStats: await rig.server.stats?.().catch(() => undefined),
  };
}
