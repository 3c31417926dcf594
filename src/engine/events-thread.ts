// The main thread's handle on the engine events intake Worker (events-worker.ts): starts it on the
// shared ring (kept running by ops/kept-worker.ts), hands its reports on, stops it.
import { type RingHandle, releaseClaim } from "../bus/ring.ts";
import type { Logger } from "../log.ts";
import { keepWorker } from "../ops/kept-worker.ts";
import type { FromEventsWorker, ToEventsWorker } from "./events-worker.ts";
import type { Rejected } from "./protocol.ts";

// In a `bun build --compile` binary (src/engine/events-worker.ts is an entrypoint of the build),
// modules live under /$bunfs/root/ laid out as under src/.
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./engine/events-worker.ts"
  : new URL("./events-worker.ts", import.meta.url).href;

/** Ring producer ids of this Worker, one per start: far from the OKX ingest's (2, 3, ...). */
const OWNER_BASE = 0x4000_0000;

export interface EventsThreadOptions {
  url: string;
  prefix: string;
  ring: RingHandle;
  maxEventBytes: number;
  budget: { bytesPerS: number; burstBytes: number };
  log: Logger;
  /** Events published and messages refused since the last report. */
  onReport: (events: number, rejected: Array<Rejected & { n: number }>) => void;
}

export interface EventsThread {
  /** Resolves once the Worker reads the stream (or after `waitMs`). */
  started(waitMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function startEventsThread(o: EventsThreadOptions): EventsThread {
  let owner = OWNER_BASE;
  let ready!: () => void;
  const first = new Promise<void>((r) => (ready = r));
  const worker = keepWorker<FromEventsWorker>({
    url: WORKER_URL,
    name: "the engine events worker",
    init: (start) => {
      owner = OWNER_BASE + start;
      return {
        t: "start",
        url: o.url,
        prefix: o.prefix,
        ring: o.ring,
        owner,
        maxEventBytes: o.maxEventBytes,
        budget: o.budget,
      } satisfies ToEventsWorker;
    },
    onMessage: (m) => {
      if (m.t === "report") o.onReport(m.events, m.rejected);
      else if (m.t === "log") o.log[m.level](m.msg, { thread: "engine-events", ...m.fields });
      else if (m.t === "ready") {
        worker.healthy();
        ready();
      }
    },
    onDeath: (error, { start, inMs }) => {
      releaseClaim(o.ring, OWNER_BASE + start);
      o.log.error("engine events worker failed; restarting", { error, inMs });
    },
    isStopped: (m) => m.t === "stopped",
  });

  return {
    started: (waitMs) => Promise.race([first, Bun.sleep(waitMs)]),
    stop: async () => {
      await worker.stop({ t: "stop" } satisfies ToEventsWorker);
      releaseClaim(o.ring, owner);
    },
  };
}
