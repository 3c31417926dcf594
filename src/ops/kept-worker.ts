// A Worker the main thread keeps running: started again with backoff (domain/backoff.ts: 0.5-1 s,
// doubling to 15-30 s) whenever it errors or exits, until stopped; a stop asks it to finish and
// ends it after 2 s.
// The OKX ingest and the engine events intake are kept this way, so a crash in either costs a
// restart, not the connection for the rest of the process.
import { backoffDelay } from "../domain/backoff.ts";

export interface KeptWorkerOptions<Out> {
  url: string;
  /** How errors name it: "the ingest worker". */
  name: string;
  /** The message that starts a fresh Worker; `start` counts the Worker's starts from 1. */
  init(start: number): unknown;
  /** Messages of the current Worker only: once a Worker died, what it still says is dropped. */
  onMessage(m: Out): void;
  /** A Worker died (it is ended already); the next one starts in `inMs`. */
  onDeath(error: string, death: { start: number; inMs: number; restarts: number }): void;
  /** True for the Worker's answer to the stop message. */
  isStopped(m: Out): boolean;
}

export interface KeptWorker {
  /** Hands `m` to the current Worker; false while a restart waits (or after stop). */
  post(m: unknown): boolean;
  /** True while a dead Worker's restart waits. */
  readonly restarting: boolean;
  /** The current start counts as healthy: the next death's backoff begins again at its shortest. */
  healthy(): void;
  /** Sends `message`, waits for the Worker's stopped answer (at most 2 s), then ends it. */
  stop(message: unknown): Promise<void>;
}

/**
 * @example const w = keepWorker({ url, name: "the intake worker", init: (n) => ({ t: "start", owner: n }), onMessage, onDeath, isStopped: (m) => m.t === "stopped" })
 */
export function keepWorker<Out>(o: KeptWorkerOptions<Out>): KeptWorker {
  let worker: Worker | undefined;
  let start = 0;
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  let onStopped: (() => void) | undefined;

  const spawn = () => {
    restartTimer = undefined;
    const n = ++start;
    const w = new Worker(o.url);
    worker = w;
    let dead = false;
    w.onmessage = (e: MessageEvent<Out>) => {
      if (dead) return;
      if (o.isStopped(e.data)) onStopped?.();
      else o.onMessage(e.data);
    };
    const died = (error: string) => {
      if (dead || stopping) return;
      dead = true;
      worker = undefined;
      w.terminate();
      const inMs = backoffDelay(restarts++, 1_000, 30_000);
      restartTimer = setTimeout(spawn, inMs);
      o.onDeath(error, { start: n, inMs, restarts });
    };
    w.onerror = (e) => died(e.message);
    w.addEventListener("close", () => died(`${o.name} exited`));
    w.postMessage(o.init(n));
  };
  spawn();

  return {
    post(m) {
      if (!worker || stopping) return false;
      worker.postMessage(m);
      return true;
    },
    get restarting() {
      return restartTimer !== undefined;
    },
    healthy() {
      restarts = 0;
    },
    stop: (message) =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
        restartTimer = undefined;
        const w = worker;
        const done = () => {
          clearTimeout(force);
          w?.terminate();
          resolve();
        };
        const force = setTimeout(done, 2_000);
        onStopped = done;
        if (w) w.postMessage(message);
        else done();
      }),
  };
}
