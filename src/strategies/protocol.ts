// The messages between the main thread and a strategy's Worker. The Worker reads market data
// and its own orders and fills off the bus itself; everything it wants done (orders, cancels)
// goes to the main thread, whose order service and risk checks are the one path to the exchange.
import type { RingHandle } from "../bus/ring.ts";
import type { Position } from "../domain/events.ts";
import type { CancelAnswer, InstrumentSpec, OrderRequest, PlaceAnswer } from "./kind.ts";

export interface WorkerInit {
  t: "init";
  id: string;
  /** Every clOrdId the Worker makes starts with this: `s<id><run tag>`; the main thread refuses others. */
  clOrdIdPrefix: string;
  kind: string;
  /** A custom kind's module (built-in kinds are part of the Worker). */
  kindUrl?: string;
  params: Record<string, unknown>;
  instruments: string[];
  rules: Record<string, InstrumentSpec>;
  ring: RingHandle;
  /** Reads of the ring at most this often (ms): market data is conflated in between. */
  pollMs: number;
  /** The Worker thread under SCHED_IDLE (Linux): the serving threads take the core from it at once. */
  idle: boolean;
  /** Nice value of the Worker thread when not under SCHED_IDLE. */
  nice: number;
  /** Orders a second its context paces its orders to (pacer.ts): its limit, within the service's. */
  ordersPerSecond: number;
  /**
   * A kind that follows positions: the account's positions on its instruments as of bus sequence
   * `after` (resumed after a restart, flat where none is held), given to onPosition before
   * onStart, and the Worker reads the bus from there, so nothing falls between the two.
   */
  positions?: { after: number; list: Position[] };
}

export type ToStrategyWorker =
  | WorkerInit
  | { t: "params"; params: Record<string, unknown> }
  /** The strategy's limits changed while it runs. */
  | { t: "rate"; ordersPerSecond: number }
  | { t: "placed"; req: number; answer: PlaceAnswer }
  | { t: "canceled"; req: number; answer: CancelAnswer }
  | { t: "stop" };

export type FromStrategyWorker =
  | { t: "ready" }
  | { t: "place"; req: number; order: OrderRequest & { clOrdId: string } }
  | { t: "cancel"; req: number; instId: string; clOrdId: string }
  | { t: "log"; level: "info" | "warn" | "error"; msg: string }
  /** The kind's code threw (or rejected): the strategy goes to `error`. */
  | { t: "failed"; message: string }
  | { t: "finish"; reason: string }
  /**
   * Its own live params changed by its logic (StrategyContext.adjust), after `seen` params
   * messages: one made before the Worker saw a user's latest change is stale and dropped.
   */
  | { t: "adjust"; params: Record<string, unknown>; seen: number }
  /** Sent every second: a Worker that stops sending it is stuck. */
  | { t: "alive" }
  /** The Worker's thread id (Linux), so the watchdog can tell a stuck Worker from a starved one. */
  | { t: "thread"; tid: number }
  | { t: "stopped" };
