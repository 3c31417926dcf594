// One strategy's live side on the main thread: its ledger (position, PnL, open orders), counters,
// last error, log lines (a bounded ring, plus the lines not yet published), its PnL over the run,
// its Worker while it runs, and the figures REST and the `strategy:<id>` channel report.
import { SlidingRate } from "../services/sliding-rate.ts";
import { Ledger } from "./ledger.ts";
import type { LogLine, StrategyCounters, StrategyFigures, StrategyRecord, StrategyStatus } from "./model.ts";
import { PnlCurve } from "./pnl-curve.ts";
import type { StrategyRunner } from "./runner.ts";

/** Lines kept for GET; lines per event at most; lines accepted per second (the rest are counted). */
const KEEP_LINES = 100;
const LINES_PER_EVENT = 50;
const LINES_PER_SECOND = 20;
const MAX_OPEN_ORDERS_SHOWN = 100;

export class LiveStrategy {
  readonly ledger: Ledger;
  readonly counters: StrategyCounters = { ordersPlaced: 0, ordersRejected: 0, ordersCanceled: 0, fills: 0 };
  /** Orders sent in the last second, for the strategy's own rate limit. */
  readonly rate = new SlidingRate(1000);
  /** Total PnL over this run. */
  readonly pnl: PnlCurve;
  lastError: { ts: number; message: string } | null = null;
  startedAt: number | null = null;
  runner: StrategyRunner | undefined;
  /** Something changed since the last event. */
  dirty = false;
  /** The figures of the last event, to publish only when they moved. */
  lastSent = "";
  private readonly lines: LogLine[] = [];
  private unsent: LogLine[] = [];
  private budget = { second: 0, used: 0, dropped: 0 };

  constructor(rec: StrategyRecord, ctValOf: (instId: string) => number, pnlEveryMs?: number) {
    this.ledger = new Ledger(rec.saved, ctValOf);
    this.pnl = new PnlCurve(pnlEveryMs);
  }

  log(level: LogLine["level"], msg: string, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    if (second !== this.budget.second) {
      if (this.budget.dropped > 0)
        this.push({
          ts: now,
          level: "warn",
          msg: `${this.budget.dropped} log lines dropped (more than ${LINES_PER_SECOND} a second)`,
        });
      this.budget = { second, used: 0, dropped: 0 };
    }
    if (++this.budget.used > LINES_PER_SECOND) {
      this.budget.dropped++;
      return;
    }
    this.push({ ts: now, level, msg: msg.slice(0, 500) });
  }

  error(message: string): void {
    this.lastError = { ts: Date.now(), message };
    this.log("error", message);
  }

  private push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
    this.unsent.push(line);
    if (this.unsent.length > LINES_PER_EVENT) this.unsent.shift();
    this.dirty = true;
  }

  logs(): LogLine[] {
    return [...this.lines];
  }

  figures(lastPx: (instId: string) => number | undefined): StrategyFigures {
    const r = this.ledger.report(lastPx);
    return {
      ...r,
      openOrders: this.ledger.openOrders().slice(0, MAX_OPEN_ORDERS_SHOWN),
      counters: { ...this.counters },
      lastError: this.lastError,
      startedAt: this.startedAt,
    };
  }

  /** The event for the channel: takes the lines not yet published. */
  status(rec: StrategyRecord, figures: StrategyFigures): StrategyStatus {
    const log = this.unsent;
    this.unsent = [];
    this.dirty = false;
    return {
      id: rec.id,
      name: rec.name,
      kind: rec.kind,
      owner: rec.owner,
      state: rec.state,
      reason: rec.reason,
      updatedAt: rec.updatedAt,
      figures,
      log,
    };
  }
}
