// The engine-event side of bench/engine.ts, in its own process: writes engine events into
// tw:engine:events the way an engine does (XADD, pipelined) and reads them back from tradewire
// over SSE on one clock, then prints one JSON line with what it saw.
//   latency: `rate` events/s for `duration` s, each carrying its send time -> publish-to-client latency
//   flood:   `count` events as fast as one ioredis connection writes them -> what tradewire takes in
import { parseArgs } from "node:util";
import Redis from "ioredis";
import { Histogram } from "../lib/hist.ts";

const { values: a } = parseArgs({
  options: {
    redis: { type: "string" },
    base: { type: "string" },
    token: { type: "string" },
    mode: { type: "string", default: "latency" },
    rate: { type: "string", default: "1000" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    count: { type: "string", default: "200000" },
    batch: { type: "string", default: "500" },
  },
});
const nowMs = (): number => performance.timeOrigin + performance.now();
const KEY = "tw:engine:events";
// The bench trims far above the protocol's 100,000 so that a flood is never trimmed before
// tradewire reads it: what is measured is tradewire's intake, not Redis's trimming.
const MAXLEN = "2000000";

const redis = new Redis(a.redis!, { maxRetriesPerRequest: 1 });

/** Reads the SSE stream; calls `onData` with each event's JSON text (after `connected`). */
async function sse(
  onData: (json: string) => void,
  counted?: { n: number; first: number; last: number },
): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(`${a.base}/api/events/stream?channels=bench`, {
    headers: { Authorization: `Bearer ${a.token}` },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`stream ${res.status}`);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.includes("event: connected")) connected();
          else if (frame.includes("event: tick")) {
            if (counted) {
              if (counted.n++ === 0) counted.first = performance.now();
              counted.last = performance.now();
            } else onData(frame.slice(frame.indexOf("data: ") + 6));
          }
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  await ready;
  return abort;
}

const entry = (i: number, t: number) => [
  "engineId",
  "bench",
  "type",
  "tick",
  "channel",
  "bench",
  "data",
  `{"i":${i},"t":${t}}`,
  "ts",
  String(t),
];

async function latency(): Promise<object> {
  const rate = Number(a.rate);
  const warm = Number(a.warmup) * rate;
  const total = warm + Number(a.duration) * rate;
  const hist = new Histogram();
  let got = 0;
  const stream = await sse((json) => {
    const d = JSON.parse(json) as { data: { i: number; t: number } };
    got++;
    if (d.data.i >= warm) hist.recordMs(nowMs() - d.data.t);
  });
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    if (due > sent) {
      const p = redis.pipeline();
      for (; sent < due; sent++) p.xadd(KEY, "MAXLEN", "~", MAXLEN, "*", ...entry(sent, nowMs()));
      await p.exec();
    }
    await Bun.sleep(1);
  }
  const end = Date.now() + 3000;
  while (got < total && Date.now() < end) await Bun.sleep(10);
  stream.abort();
  return { mode: "latency", rate, sent: total - warm, received: hist.count, lost: total - got, ...hist.summary() };
}

async function flood(): Promise<object> {
  const count = Number(a.count);
  const batch = Number(a.batch);
  const counted = { n: 0, first: 0, last: 0 };
  const stream = await sse(() => {}, counted);
  const t0 = performance.now();
  // Two batches in flight: the writer is not the bottleneck it would be one round trip at a time.
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += batch) {
    const p = redis.pipeline();
    const t = nowMs();
    for (let j = i; j < Math.min(count, i + batch); j++) p.xadd(KEY, "MAXLEN", "~", MAXLEN, "*", ...entry(j, t));
    inFlight.push(p.exec());
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const written = performance.now() - t0;
  let seen = -1;
  let quietSince = performance.now();
  // Until all arrived, or nothing new for 3 s.
  while (counted.n < count && performance.now() - quietSince < 3000) {
    if (counted.n !== seen) {
      seen = counted.n;
      quietSince = performance.now();
    }
    await Bun.sleep(20);
  }
  stream.abort();
  return {
    mode: "flood",
    count,
    writeS: written / 1000,
    writtenPerS: Math.round(count / (written / 1000)),
    delivered: counted.n,
    firstRxMs: counted.first - t0,
    lastRxMs: counted.last - t0,
  };
}

const out = a.mode === "flood" ? await flood() : await latency();
console.log(JSON.stringify(out));
redis.disconnect();
process.exit(0);
