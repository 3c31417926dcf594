// The main thread's handle on the engine events intake Worker (events-worker.ts): starts it on the
// shared ring, restarts it with backoff if it dies, hands its reports on, stops it.
import { type RingHandle, releaseClaim } from "../bus/ring.ts";
import { backoffDelay } from "../domain/backoff.ts";
import type { Logger } from "../log.ts";
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
  let worker: Worker | undefined;
  let owner = OWNER_BASE;
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  let onStopped: (() => void) | undefined;
  let ready!: () => void;
  const first = new Promise<void>((r) => (ready = r));

  const spawn = () => {
    restartTimer = undefined;
    const w = new Worker(WORKER_URL);
    const id = ++owner;
    worker = w;
    let dead = false;
    w.onmessage = (e: MessageEvent<FromEventsWorker>) => {
      const m = e.data;
      if (m.t === "report") o.onReport(m.events, m.rejected);
      else if (m.t === "log") o.log[m.level](m.msg, { thread: "engine-events", ...m.fields });
      else if (m.t === "ready") {
        restarts = 0;
        ready();
      } else if (m.t === "stopped") onStopped?.();
    };
    const died = (error: string) => {
      if (dead || stopping) return;
      dead = true;
      w.terminate();
      releaseClaim(o.ring, id);
      const delay = backoffDelay(restarts++, 1_000, 30_000);
      o.log.error("engine events worker failed; restarting", { error, inMs: delay });
      restartTimer = setTimeout(spawn, delay);
    };
    w.onerror = (e) => died(e.message);
    w.addEventListener("close", () => died("the engine events worker exited"));
    w.postMessage({
      t: "start",
      url: o.url,
      prefix: o.prefix,
      ring: o.ring,
      owner: id,
      maxEventBytes: o.maxEventBytes,
      budget: o.budget,
    } satisfies ToEventsWorker);
  };
  spawn();

  return {
    started: (waitMs) => Promise.race([first, Bun.sleep(waitMs)]),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
        const done = () => {
          clearTimeout(force);
          worker?.terminate();
          releaseClaim(o.ring, owner);
          resolve();
        };
        const force = setTimeout(done, 2_000);
        onStopped = done;
        worker?.postMessage({ t: "stop" } satisfies ToEventsWorker);
      }),
  };
}
