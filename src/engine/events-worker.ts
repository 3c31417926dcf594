// The engine events intake thread: reads tw:engine:events (blocking XREAD on a connection of its
// own), checks each entry and publishes the good ones straight into the shared ring, so a flood
// of engine events never runs on the thread that fans out the stream. Reports counts to the main
// thread (see events-thread.ts).
/// <reference lib="webworker" />

import { EVENT_OVERHEAD_BYTES, PublishBudget } from "../bus/budget.ts";
import { RingFullError, type RingHandle, RingProducer } from "../bus/ring.ts";
import { nowMs } from "../domain/time.ts";
import type { Logger } from "../log.ts";
import { connectRedis } from "../store/redis/connection.ts";
import { isRejected, parseEvent } from "./parse.ts";
import { type Rejected, type RejectKind, streams } from "./protocol.ts";
import { type Entry, StreamReader } from "./reader.ts";

export type ToEventsWorker =
  | {
      t: "start";
      url: string;
      prefix: string;
      ring: RingHandle;
      owner: number;
      maxEventBytes: number;
      budget: { bytesPerS: number; burstBytes: number };
    }
  | { t: "stop" };

export type FromEventsWorker =
  | { t: "ready" }
  | { t: "report"; events: number; rejected: Array<Rejected & { n: number }> }
  | { t: "log"; level: "info" | "warn" | "error"; msg: string; fields?: Record<string, unknown> }
  | { t: "stopped" };

declare const self: Worker;
const post = (m: FromEventsWorker) => self.postMessage(m);

/** Errors become their message: what crosses to the main thread must be plain data. */
const plain = (f?: Record<string, unknown>) =>
  f && Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v instanceof Error ? v.message : v]));
const log: Logger = {
  debug: () => {},
  info: (msg, f) => post({ t: "log", level: "info", msg, fields: plain(f) }),
  warn: (msg, f) => post({ t: "log", level: "warn", msg, fields: plain(f) }),
  error: (msg, f) => post({ t: "log", level: "error", msg, fields: plain(f) }),
  child: () => log,
};

/** What the main thread has not been told yet; sent every REPORT_MS, or at once when something was refused. */
const REPORT_MS = 100;
let events = 0;
const rejected = new Map<RejectKind, Rejected & { n: number }>();
let timer: ReturnType<typeof setTimeout> | undefined;
function report(now: boolean): void {
  if (!now) {
    timer ??= setTimeout(() => report(true), REPORT_MS);
    return;
  }
  clearTimeout(timer);
  timer = undefined;
  if (events === 0 && rejected.size === 0) return;
  post({ t: "report", events, rejected: [...rejected.values()] });
  events = 0;
  rejected.clear();
}

/** Events of one read published before the readers are woken (a few tens of µs of delay at most). */
const WAKE_EVERY = 16;

let reader: StreamReader | undefined;

function start(m: Extract<ToEventsWorker, { t: "start" }>): void {
  const producer = new RingProducer(m.ring, m.owner, "engine");
  const key = streams(m.prefix).events;
  const budget = new PublishBudget(m.budget);
  const conn = connectRedis(m.url, log, { prefix: m.prefix, commandTimeoutMs: 3_000, pingEveryMs: 0 });
  const refuse = (r: Rejected) => {
    const seen = rejected.get(r.reject);
    if (seen) seen.n++;
    else rejected.set(r.reject, { ...r, n: 1 });
  };
  const take = (entries: Entry[]) => {
    const rxTs = nowMs();
    let unwoken = 0;
    for (const [, fields] of entries) {
      const e = parseEvent(fields, m.maxEventBytes);
      if (isRejected(e)) {
        refuse(e);
        continue;
      }
      if (budget.take(e.engineId, Buffer.byteLength(e.dataJson) + EVENT_OVERHEAD_BYTES) > 0) {
        refuse({ reject: "over_budget", reason: "over the engine's byte budget on the bus", engineId: e.engineId });
        continue;
      }
      try {
        // The readers are woken once per WAKE_EVERY events published and at the end, not per event.
        const wake = unwoken === WAKE_EVERY - 1;
        producer.publish(
          {
            type: e.type,
            channel: e.channel,
            dataJson: e.dataJson,
            rxTs,
            ...(e.ts !== undefined ? { exTs: e.ts } : {}),
          },
          wake,
        );
        unwoken = wake ? 0 : unwoken + 1;
        events++;
      } catch (err) {
        if (!(err instanceof RingFullError)) throw err;
        refuse({ reject: "too_large", reason: "event too large for the bus", engineId: e.engineId });
      }
    }
    if (unwoken > 0) producer.wake();
    report(rejected.size > 0);
  };
  reader = new StreamReader({
    conn,
    log,
    keys: [key],
    // Live data: a starting intake reads what comes from now on.
    init: async () => {
      const top = (await conn.client.xrevrange(key, "+", "-", "COUNT", 1)) as Entry[];
      return new Map([[key, top[0]?.[0] ?? "0-0"]]);
    },
    handle: (_key, entries) => take(entries),
  });
  reader.start();
  void reader.started.then(() => post({ t: "ready" }));
}

self.onmessage = async (e: MessageEvent<ToEventsWorker>) => {
  const m = e.data;
  if (m.t === "start") start(m);
  else {
    await reader?.stop();
    report(true);
    post({ t: "stopped" });
  }
};
