// Where a trade op's time goes, for /metrics: the main thread's wait for the answer, the round
// trip to OKX timed on the thread that talks to it, and OKX's own time (its inTime/outTime).
import type { Histogram, Registry } from "../ops/metrics.ts";
import type { OpTiming, TradeOp } from "./protocol.ts";

/** Order times run from tens of µs (a simulator's own handling) to seconds (a slow exchange). */
const BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025,
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export type TradeStage = "total" | "exchange_roundtrip" | "exchange_internal";
const OP_LABEL: Record<TradeOp, string> = { order: "place", "cancel-order": "cancel", "amend-order": "amend" };

export class TradeMetrics {
  private readonly h: Histogram;
  private readonly bound = new Map<string, (s: number) => void>();

  constructor(registry: Registry) {
    this.h = registry.histogram(
      "tradewire_order_seconds",
      "Trade ops answered by the exchange, by op (place, cancel, amend), path (via: ws, rest) and stage: total = main thread's wait for the answer, exchange_roundtrip = request out -> answer in on the ingest thread, exchange_internal = the exchange's own time (outTime - inTime, WS only)",
      BUCKETS,
    );
  }

  /** One answered op: its timing from the ingest thread and the main thread's wait (ms). */
  answered(op: TradeOp, timing: OpTiming, totalMs: number): void {
    this.stage(op, "total", timing.via, totalMs);
    this.stage(op, "exchange_roundtrip", timing.via, timing.roundtripMs);
    if (timing.exchangeMs !== undefined) this.stage(op, "exchange_internal", timing.via, timing.exchangeMs);
  }

  /** Ops timed at this stage so far, and their total time (ms). */
  seen(op: TradeOp, stage: TradeStage, via: OpTiming["via"]): { count: number; totalMs: number } {
    const labels = { op: OP_LABEL[op], stage, via };
    return { count: this.h.count(labels), totalMs: this.h.sum(labels) * 1000 };
  }

  private stage(op: TradeOp, stage: TradeStage, via: OpTiming["via"], ms: number): void {
    const k = `${op}|${stage}|${via}`;
    let f = this.bound.get(k);
    if (!f) this.bound.set(k, (f = this.h.bind({ op: OP_LABEL[op], stage, via })));
    f(Math.max(0, ms) / 1000);
  }
}
