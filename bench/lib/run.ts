// One measured run: connect C subscribers, publish R events/s (warm-up, then measured), drain, tally.

import { nowMs } from "../../src/domain/time.ts";
import { makeSubscriber, type Subscriber } from "./clients.ts";
import type { Endpoint, Transport } from "./endpoint.ts";
import type { Percentiles } from "./hist.ts";
import { type CpuFigures, CpuWindow, sleep } from "./proc.ts";
import { Publisher, type PublishStats } from "./publisher.ts";
import { GENERATOR_CORE, SERVER_CORE } from "./servers.ts";
import { Recorder } from "./ticks.ts";

export type RunSpec = {
  transport: Transport;
  clients: number;
  rate: number;
  durationS: number;
  warmupS: number;
  drainS: number;
};

export type RunResult = {
  target: string;
  transport: Transport;
  clients: number;
  rate: number;
  run: number;
  latencyMs: Percentiles;
  expected: number;
  delivered: number;
  lossPct: number;
  /** Share of the scheduled publishes the server accepted (2xx) in time. */
  acceptedPct: number;
  /** Loss among accepted events only: what the fan-out itself dropped. */
  lossOfAcceptedPct: number;
  duplicates: number;
  /** Deliveries that came after a later event (publishes race over several connections). */
  reordered: number;
  connected: number;
  connectFailures: Record<string, number>;
  /** Subscribers the server closed (or ended) during the run, by reason. */
  disconnected: Record<string, number>;
  /** Connected subscribers that got nothing in the last second of publishing while events were missing. */
  silent: number;
  /** Connected subscribers that never got a warm-up event. */
  notWarm: number;
  staleEvents: number;
  serverCpuPct: number;
  genCpuPct: number;
  genSuspect: boolean;
  /** Load on the pinned cores from anything else (other tests, compilers): above 15% the run is disturbed. */
  otherLoadPct: { serverCore: number; generatorCore: number; steal: number };
  disturbed: boolean;
  measuredSeconds: number;
  /** Subscriber socket reads per second over the whole run, and events per read (server batching). */
  readsPerS: number;
  eventsPerRead: number;
  drainMs: number;
  publish: PublishStats;
  serverStats?: Record<string, unknown>;
};

const CONNECT_WAVE = 100;
const CONNECT_TIMEOUT_MS = 15000;
let seqBase = 1;
export const DISTURBED_PCT = 15;

export async function runOnce(
  ep: Endpoint,
  spec: RunSpec,
  runIndex: number,
  log: (s: string) => void,
): Promise<RunResult> {
  const warm = Math.max(1, Math.round(spec.rate * spec.warmupS));
  const count = Math.max(1, Math.round(spec.rate * spec.durationS));
  const warmStart = seqBase;
  const measStart = warmStart + warm;
  const measEnd = measStart + count;
  seqBase = measEnd + 1000;
  const rec = new Recorder(warmStart, measStart, measEnd);

  const subs: Subscriber[] = [];
  for (let i = 0; i < spec.clients; i++) subs.push(makeSubscriber(spec.transport, ep, rec));
  for (let i = 0; i < subs.length; i += CONNECT_WAVE) {
    const wave = subs.slice(i, i + CONNECT_WAVE);
    for (const s of wave) s.connect();
    await Promise.race([Promise.allSettled(wave.map((s) => s.ready)), sleep(CONNECT_TIMEOUT_MS)]);
  }
  const failures: Record<string, number> = {};
  for (const s of subs) {
    if (s.state !== "open") {
      const why = s.state === "connecting" ? "no answer in time" : s.reason || s.state;
      failures[why] = (failures[why] ?? 0) + 1;
    }
  }
  const connected = subs.filter((s) => s.state === "open").length;
  if (connected < subs.length)
    log(`  ${subs.length - connected} of ${subs.length} subscribers failed: ${JSON.stringify(failures)}`);

  const pub = new Publisher(ep);
  await pub.open();
  const readsBefore = rec.reads;
  const ticksBefore = rec.ticks;
  const runStart = performance.now();

  const cpu = new CpuWindow(ep.pid, Number(SERVER_CORE), Number(GENERATOR_CORE));
  let measureEndAt = 0;
  let cpuResult: CpuFigures = {
    serverPct: Number.NaN,
    genPct: Number.NaN,
    seconds: Number.NaN,
    otherOnServerCorePct: Number.NaN,
    otherOnGenCorePct: Number.NaN,
    stealPct: Number.NaN,
  };
  await pub.run(warmStart, warm + count, spec.rate, measStart, measEnd, (starting) => {
    if (starting) cpu.start();
    else {
      cpuResult = cpu.stop();
      measureEndAt = nowMs();
    }
  });

  // drain: until every connected subscriber has every accepted event, or the drain time is up
  const drainStart = performance.now();
  const drainDeadline = drainStart + spec.drainS * 1000;
  for (;;) {
    const acksDone = pub.inflight === 0;
    const want = pub.measuredOk;
    const done = acksDone && subs.every((s) => s.state !== "open" || s.tally.got >= want);
    if (done || performance.now() > drainDeadline) break;
    await sleep(10);
  }
  const drainMs = performance.now() - drainStart;
  const runSeconds = (performance.now() - runStart) / 1000;

  const disconnected: Record<string, number> = {};
  for (const s of subs) {
    if (s.state === "closed" && !s.closing) {
      const why = s.reason || "closed by server";
      disconnected[why] = (disconnected[why] ?? 0) + 1;
    }
  }
  const want = pub.measuredOk;
  let delivered = 0;
  let dups = 0;
  let reordered = 0;
  let silent = 0;
  let notWarm = 0;
  let stale = 0;
  for (const s of subs) {
    const t = s.tally;
    delivered += t.got;
    dups += t.dups;
    reordered += t.reordered;
    stale += t.stale;
    if (s.state === "failed") continue;
    if (t.warm === 0 && t.got === 0) notWarm++;
    if (t.got < want && t.lastAt < measureEndAt - 1000) silent++;
  }
  for (const s of subs) s.close();
  pub.close();
  // expected: every scheduled event to every subscriber (an event the server did not accept counts as lost)
  const expected = count * spec.clients;
  const result: RunResult = {
    target: ep.name,
    transport: spec.transport,
    clients: spec.clients,
    rate: spec.rate,
    run: runIndex,
    latencyMs: rec.hist.summary(),
    expected,
    delivered,
    lossPct: expected > 0 ? ((expected - delivered) / expected) * 100 : Number.NaN,
    acceptedPct: (want / count) * 100,
    lossOfAcceptedPct: want > 0 ? ((want * spec.clients - delivered) / (want * spec.clients)) * 100 : Number.NaN,
    duplicates: dups,
    reordered,
    connected,
    connectFailures: failures,
    disconnected,
    silent,
    notWarm,
    staleEvents: stale,
    serverCpuPct: cpuResult.serverPct,
    genCpuPct: cpuResult.genPct,
    genSuspect: cpuResult.genPct > 90,
    otherLoadPct: {
      serverCore: cpuResult.otherOnServerCorePct,
      generatorCore: cpuResult.otherOnGenCorePct,
      steal: cpuResult.stealPct,
    },
    disturbed: cpuResult.otherOnServerCorePct > DISTURBED_PCT || cpuResult.otherOnGenCorePct > DISTURBED_PCT,
    measuredSeconds: cpuResult.seconds,
    readsPerS: (rec.reads - readsBefore) / runSeconds,
    eventsPerRead: (rec.ticks - ticksBefore) / Math.max(1, rec.reads - readsBefore),
    drainMs,
    publish: pub.stats(cpuResult.seconds),
  };
  await sleep(300); // let the server notice the closed sockets before the next run
  return result;
}
