// The main thread's handle on one strategy's Worker: starts it, routes its messages to the
// service, and notices when it dies (an uncaught error, an exit) or stops answering (stuck in a
// loop), so the service can put the strategy in `error` and clean up after it.
import type { CancelAnswer, OrderRequest, PlaceAnswer } from "./kind.ts";
import type { FromStrategyWorker, ToStrategyWorker, WorkerInit } from "./protocol.ts";
import { stallOf, threadSchedMs } from "./thread-priority.ts";

// Inside a `bun build --compile` binary modules live under /$bunfs/root/ (see exchange/ingest.ts).
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./strategies/worker.ts"
  : new URL("./worker.ts", import.meta.url).href;

export interface RunnerEvents {
  ready(): void;
  place(req: number, order: OrderRequest & { clOrdId: string }): void;
  cancel(req: number, instId: string, clOrdId: string): void;
  log(level: "info" | "warn" | "error", msg: string): void;
  /** The kind's code threw. */
  failed(message: string): void;
  finish(reason: string): void;
  /** The logic changed some of its own live params. */
  adjust(params: Record<string, unknown>): void;
  /** The Worker is gone or stuck (it has been terminated). */
  died(message: string): void;
}

export interface RunnerOptions {
  /** A Worker silent this long is stuck (unless it was waiting for a core): it is terminated and reported dead. */
  stallMs: number;
  workerUrl?: string;
}

export class StrategyRunner {
  private readonly worker: Worker;
  private lastHeard = performance.now();
  /** The Worker's thread (Linux) and its run-queue wait (ms) when it was last heard. */
  private tid: number | null = null;
  private waitedWhenHeard = 0;
  private starvedSaid = false;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private over = false;
  private onStopped: (() => void) | undefined;
  /** Params messages sent: an adjust made before the Worker saw the latest is dropped. */
  private paramsSent = 0;

  constructor(
    init: Omit<WorkerInit, "t">,
    private readonly on: RunnerEvents,
    opts: RunnerOptions,
  ) {
    this.worker = new Worker(opts.workerUrl ?? WORKER_URL);
    this.worker.onmessage = (e: MessageEvent<FromStrategyWorker>) => this.message(e.data);
    this.worker.onerror = (e) =>
      this.dead(
        `the strategy's worker failed: ${e.message.split("\n").find((l) => l.startsWith("error:")) ?? e.message.split("\n")[0]}`,
      );
    this.worker.addEventListener("close", (e) =>
      this.dead(`the strategy's worker exited (code ${(e as CloseEvent).code})`),
    );
    this.watchdog = setInterval(
      () => {
        const silent = performance.now() - this.lastHeard;
        const sched = this.tid === null ? null : threadSchedMs(this.tid);
        const stall = stallOf(silent, sched ? sched.waitedMs - this.waitedWhenHeard : null, opts.stallMs);
        if (stall === "stuck") this.dead(`the strategy's worker did not answer for ${Math.round(silent)} ms (stuck?)`);
        else if (stall === "starved" && !this.starvedSaid) {
          this.starvedSaid = true; // once per silence: it runs again when the serving threads leave it a core
          this.on.log("warn", `no CPU for the strategy for ${Math.round(silent / 1000)} s: the host is saturated`);
        }
      },
      Math.min(1000, opts.stallMs / 2),
    );
    this.send({ t: "init", ...init });
  }

  params(params: Record<string, unknown>): void {
    this.paramsSent++;
    this.send({ t: "params", params });
  }

  /** The strategy's limits changed: its orders are paced to this many a second from now on. */
  rate(ordersPerSecond: number): void {
    this.send({ t: "rate", ordersPerSecond });
  }

  answerPlace(req: number, answer: PlaceAnswer): void {
    this.send({ t: "placed", req, answer });
  }

  answerCancel(req: number, answer: CancelAnswer): void {
    this.send({ t: "canceled", req, answer });
  }

  /** Asks the logic to stop (its onStop), waits for it at most `graceMs`, then ends the Worker. */
  stop(graceMs: number): Promise<void> {
    if (this.over) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(force);
        this.end();
        resolve();
      };
      const force = setTimeout(done, graceMs);
      this.onStopped = done;
      this.send({ t: "stop" });
    });
  }

  /** Ends the Worker now; nothing it says afterwards is heard. */
  end(): void {
    if (this.over) return;
    this.over = true;
    clearInterval(this.watchdog);
    this.worker.terminate();
  }

  private send(m: ToStrategyWorker): void {
    if (!this.over) this.worker.postMessage(m);
  }

  /** Notes the Worker's run-queue wait now (on its once-a-second `alive`, not on every message). */
  private heardNow(): void {
    this.starvedSaid = false;
    if (this.tid !== null) this.waitedWhenHeard = threadSchedMs(this.tid)?.waitedMs ?? 0;
  }

  private dead(message: string): void {
    if (this.over) return;
    this.end();
    this.onStopped?.();
    this.on.died(message);
  }

  private message(m: FromStrategyWorker): void {
    if (this.over) return;
    this.lastHeard = performance.now();
    if (this.starvedSaid || m.t === "alive") this.heardNow();
    switch (m.t) {
      case "ready":
        this.on.ready();
        break;
      case "place":
        this.on.place(m.req, m.order);
        break;
      case "cancel":
        this.on.cancel(m.req, m.instId, m.clOrdId);
        break;
      case "log":
        this.on.log(m.level, m.msg);
        break;
      case "failed":
        this.end();
        this.on.failed(m.message);
        break;
      case "finish":
        this.on.finish(m.reason);
        break;
      case "adjust":
        if (m.seen === this.paramsSent) this.on.adjust(m.params);
        break;
      case "alive":
        break;
      case "thread":
        this.tid = m.tid;
        this.heardNow();
        break;
      case "stopped":
        this.onStopped?.();
        break;
    }
  }
}
