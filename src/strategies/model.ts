// The strategy model: what a strategy is (durable), the states it goes through, its risk limits,
// and the live figures the service reports for it (REST and the `strategy:<id>` channel).
import { z } from "zod";

export const STATES = ["stopped", "starting", "running", "stopping", "error"] as const;
export type StrategyState = (typeof STATES)[number];

/** Per-strategy risk limits, checked on the main thread before each of its orders (besides the service-wide ones). */
export const LimitsSchema = z
  .object({
    maxPosition: z
      .number()
      .positive()
      .default(1)
      .describe(
        "largest absolute position per instrument, counting open orders on that side (base units; contracts for swaps)",
      ),
    maxOrderNotional: z
      .number()
      .positive()
      .default(10_000)
      .describe("largest value of one order, size x price x contract value (quote currency)"),
    maxOrdersPerSecond: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe("orders this strategy may place in any one second"),
  })
  .strict();
export type StrategyLimits = z.infer<typeof LimitsSchema>;

/** A strategy as stored: its configuration and its state (the live figures are not stored, except `saved`). */
export interface StrategyRecord {
  /** 10 lowercase letters and digits; orders carry it in their clOrdId (`s<id>...`). */
  id: string;
  name: string;
  kind: string;
  owner: string;
  instruments: string[];
  params: Record<string, unknown>;
  limits: StrategyLimits;
  state: StrategyState;
  /** Why it is in that state (error message, "stopped by alice", "service restarted", "kill switch"). */
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  /** Position and PnL as of the last save: a restart continues from them. */
  saved: LedgerSnapshot | null;
}

/** One instrument's book-keeping from the strategy's own fills. */
export interface InstrumentFigures {
  instId: string;
  /** Signed: long > 0, short < 0 (base units; contracts for swaps). */
  pos: number;
  /** Average entry price of the open position (0 when flat). */
  avgPx: number;
  realizedPnl: number;
  /** Fees paid, in the quote currency (positive = paid). */
  fees: number;
  /** Quote currency traded. */
  volume: number;
  fills: number;
  /** Contract value (1 for spot). */
  ctVal: number;
}

export interface LedgerSnapshot {
  instruments: InstrumentFigures[];
}

export interface OpenOrderView {
  ordId: string;
  clOrdId: string;
  instId: string;
  side: "buy" | "sell";
  px: string;
  sz: string;
  filledSz: string;
  state: string;
}

export interface LogLine {
  ts: number;
  level: "info" | "warn" | "error";
  msg: string;
}

export interface StrategyCounters {
  ordersPlaced: number;
  ordersRejected: number;
  ordersCanceled: number;
  fills: number;
}

/** The live figures: in GET /api/strategies/:id and in every `strategy` event. */
export interface StrategyFigures {
  positions: Array<InstrumentFigures & { lastPx: number | null; unrealizedPnl: number }>;
  pnl: { realized: number; unrealized: number; fees: number; total: number };
  openOrders: OpenOrderView[];
  counters: StrategyCounters;
  lastError: { ts: number; message: string } | null;
  startedAt: number | null;
}

/** What the `strategy:<id>` channel carries: state, figures, and the log lines since the last event. */
export interface StrategyStatus {
  id: string;
  name: string;
  kind: string;
  owner: string;
  state: StrategyState;
  reason: string | null;
  updatedAt: number;
  figures: StrategyFigures;
  log: LogLine[];
}

export const ID_PATTERN = /^[a-z0-9]{10}$/;
