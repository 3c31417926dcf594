// Runs strategies: starts each one's Worker, hands its orders and cancels to the order desk
// (desk.ts: the order service, then the strategy's limits), follows its orders and fills off the
// bus, stops it (cancelling its open orders unless told not to), and puts it in `error` when its
// code throws or its Worker dies. State changes are saved and published at once; figures at
// most every `statusMs`.
import type { Publisher } from "../bus/dispatcher.ts";
import { type BusEvent, type RingHandle, textOf } from "../bus/ring.ts";
import type { Fill, Order } from "../domain/events.ts";
import { fromTruth } from "../domain/source.ts";
import { strategyOrderPrefix } from "../domain/strategy-orders.ts";
import type { Logger } from "../log.ts";
import type { StateStore } from "../state/store.ts";
import { type CancelOutcome, type Entry, OrderDesk, RUNNING, type StrategyOrders, within } from "./desk.ts";
import type { Kind } from "./kind.ts";
import { LiveStrategy } from "./live.ts";
import type { StrategyLimits, StrategyRecord, StrategyState } from "./model.ts";
import { PNL_EVERY_MS } from "./pnl-curve.ts";
import type { PositionsWatch } from "./positions-watch.ts";
import { StrategyRunner } from "./runner.ts";
import type { StrategyStore } from "./store.ts";
import { checkParams } from "./validate.ts";

export interface SupervisorTuning {
  /** Figures go out at most this often per strategy (state changes at once). */
  statusMs: number;
  /** A Worker silent this long is stuck: terminated, the strategy in `error`. */
  stallMs: number;
  startTimeoutMs: number;
  /** How long a stopping strategy's onStop may take. */
  stopGraceMs: number;
  /** How long cancelling a strategy's open orders may take before the rest are reported. */
  cancelTimeoutMs: number;
  /** Ring reads of a Worker at most this often. */
  pollMs: number;
  /**
   * Strategy Worker threads under SCHED_IDLE (Linux): they run on what the serving threads leave,
   * and a woken main thread or ingest Worker takes the core from them at once.
   */
  idle: boolean;
  /** Nice value of strategy Worker threads when not under SCHED_IDLE (or where it is refused). */
  nice: number;
  /** Positions of running strategies are saved this often when they changed. */
  saveMs: number;
  /** A running strategy's PnL curve has a point this often. */
  pnlEveryMs: number;
}

export const DEFAULT_TUNING: SupervisorTuning = {
  statusMs: 250,
  stallMs: 10_000,
  startTimeoutMs: 10_000,
  stopGraceMs: 2_000,
  cancelTimeoutMs: 5_000,
  pollMs: 20,
  idle: true,
  nice: 10,
  saveMs: 30_000,
  pnlEveryMs: PNL_EVERY_MS,
};

export interface SupervisorDeps {
  orders: StrategyOrders;
  /** The account's positions from the bus (fed from before the exchange starts). */
  positions: PositionsWatch;
  state: StateStore;
  publisher: Publisher;
  ring: RingHandle;
  store: StrategyStore;
  log: Logger;
  /** Reports an automatic change (error, kill switch, completion) for the audit log. */
  report(e: {
    user: string;
    action: string;
    rec: StrategyRecord;
    code: string;
    detail?: Record<string, unknown>;
  }): void;
  tuning: SupervisorTuning;
}

export class Supervisor {
  readonly entries = new Map<string, Entry>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly desk: OrderDesk;

  constructor(private readonly d: SupervisorDeps) {
    this.desk = new OrderDesk(d.orders, d.tuning.cancelTimeoutMs);
    this.timer = setInterval(() => this.tick(), d.tuning.statusMs);
    this.timer.unref?.();
  }

  add(rec: StrategyRecord): Entry {
    const e: Entry = {
      rec,
      live: new LiveStrategy(rec, (i) => this.d.orders.instrument(i)?.ctVal ?? 1, this.d.tuning.pnlEveryMs),
      inflight: new Set(),
      savedFills: 0,
      savedAt: Date.now(),
    };
    this.entries.set(rec.id, e);
    return e;
  }

  /**
   * Starts the strategy's Worker and resolves once it runs (or has ended otherwise). A kind that
   * follows positions starts with those held on its instruments (then the updates after them);
   * `resumed` (after a restart, once all positions are known), a flat one too where nothing is
   * held: a stop whose position was closed meanwhile ends.
   */
  async start(e: Entry, kind: Kind & { url?: string }, by: string, opts: { resumed?: boolean } = {}): Promise<void> {
    const { rec, live } = e;
    const rules: Record<string, NonNullable<ReturnType<StrategyOrders["instrument"]>>> = {};
    for (const i of rec.instruments) {
      const spec = this.d.orders.instrument(i);
      if (spec) rules[i] = spec;
    }
    await this.setState(e, "starting", `started by ${by}`);
    live.counters.ordersPlaced = live.counters.ordersRejected = live.counters.ordersCanceled = live.counters.fills = 0;
    live.pnl.clear();
    live.lastError = null;
    const left = await this.desk.cancelOpen(e);
    if (left.requested > 0)
      live.log("info", `cancelled ${left.canceled} of ${left.requested} orders an earlier run left open`);
    if (rec.state !== "starting") return; // stopped meanwhile (the kill switch)
    live.startedAt = Date.now();
    const started = new Promise<void>((resolve) => (e.started = { resolve }));
    const prefix = `${strategyOrderPrefix(rec.id)}${Date.now().toString(36)}`;
    live.runner = new StrategyRunner(
      {
        id: rec.id,
        clOrdIdPrefix: prefix,
        kind: rec.kind,
        ...(kind.url ? { kindUrl: kind.url } : {}),
        params: rec.params,
        instruments: rec.instruments,
        rules,
        ring: this.d.ring,
        pollMs: this.d.tuning.pollMs,
        // Protection (a stop) is never left waiting for idle CPU: on a busy host a guard under
        // SCHED_IDLE could miss its trigger for as long as the host stays busy.
        idle: this.d.tuning.idle && kind.resumes !== true,
        nice: this.d.tuning.nice,
        ordersPerSecond: this.orderPace(rec.limits),
        ...(kind.positions ? { positions: this.d.positions.startWith(rec.instruments, opts.resumed === true) } : {}),
      },
      {
        ready: () => {
          if (rec.state === "starting") void this.setState(e, "running", null).then(() => e.started?.resolve());
        },
        place: (req, o) => this.desk.place(e, req, o, prefix),
        cancel: (req, instId, clOrdId) => void this.desk.cancel(e, req, instId, clOrdId),
        log: (level, msg) => live.log(level, msg),
        failed: (message) => void this.fail(e, `the strategy's code threw: ${message}`),
        died: (message) => void this.fail(e, message),
        finish: (reason) => void this.halt(e, { by: "strategy", reason: `finished: ${reason}`, keepOrders: false }),
        adjust: (params) => void this.adjust(e, kind, params),
      },
      { stallMs: this.d.tuning.stallMs },
    );
    if (
      !(await within(
        started.then(() => true),
        this.d.tuning.startTimeoutMs,
      ))
    )
      await this.fail(e, `did not start within ${this.d.tuning.startTimeoutMs} ms`);
  }

  /**
   * The strategy's logic changed some of its own live params (a trailing stop its stop): kept and
   * published as a user's change would be, its Worker already holding them. Anything else is
   * logged and dropped.
   */
  private async adjust(e: Entry, kind: Kind, patch: Record<string, unknown>): Promise<void> {
    if (!RUNNING.has(e.rec.state)) return;
    const fixed = Object.keys(patch).filter((k) => !kind.liveParams.includes(k) && !kind.ownParams?.includes(k));
    if (fixed.length > 0)
      return e.live.log("warn", `the strategy may not change ${fixed.join(", ")} while it runs: ignored`);
    let params: Record<string, unknown>;
    try {
      params = checkParams(kind, { ...e.rec.params, ...patch });
    } catch (err) {
      return e.live.log("warn", `its own change of params was refused (${(err as Error).message}): ignored`);
    }
    if (JSON.stringify(params) === JSON.stringify(e.rec.params)) return;
    e.rec.params = params;
    e.rec.updatedAt = Date.now();
    await this.save(e);
    this.publish(e);
  }

  /** Orders a second a strategy's are paced to: its own limit, within the service-wide one. */
  orderPace(limits: StrategyLimits): number {
    return Math.min(limits.maxOrdersPerSecond, this.d.orders.ordersPerSecond);
  }

  /** Stops a running strategy: its onStop, then its open orders cancelled (unless keepOrders). */
  async halt(e: Entry, o: { by: string; reason: string; keepOrders: boolean }): Promise<CancelOutcome | null> {
    const { rec, live } = e;
    if (!RUNNING.has(rec.state)) return null;
    await this.setState(e, "stopping", o.reason);
    await live.runner?.stop(this.d.tuning.stopGraceMs);
    live.runner = undefined;
    const c = o.keepOrders ? null : await this.desk.cancelOpen(e);
    const open = live.ledger.openOrders().length;
    const how = o.keepOrders
      ? `; ${open} orders left open`
      : c && c.requested > 0
        ? `; ${c.canceled} of ${c.requested} open orders cancelled${c.failed ? `, ${c.failed} could not be` : ""}`
        : "";
    await this.setState(e, "stopped", `${o.reason}${how}`);
    e.started?.resolve();
    if (o.by === "strategy" || o.by === "kill switch")
      this.d.report({ user: o.by, action: "strategy.stop", rec, code: "ok", detail: { reason: rec.reason } });
    return c;
  }

  /** The strategy's code threw or its Worker died: `error`, and its open orders cancelled. */
  async fail(e: Entry, message: string): Promise<void> {
    const { rec, live } = e;
    if (!RUNNING.has(rec.state)) {
      if (rec.state === "stopping") live.error(message); // the stop under way finishes the job
      return;
    }
    live.runner?.end();
    live.runner = undefined;
    live.error(message);
    await this.setState(e, "error", message);
    e.started?.resolve();
    const c = await this.desk.cancelOpen(e);
    if (c.requested > 0)
      live.log(
        c.failed ? "error" : "info",
        `after the error: ${c.canceled} of ${c.requested} open orders cancelled${c.failed ? `, ${c.failed} could not be (see openOrders)` : ""}`,
      );
    this.d.report({
      user: "system",
      action: "strategy.error",
      rec,
      code: "strategy_failed",
      detail: { message, ...c },
    });
    this.publish(e);
  }

  /** Cancels every open order of the strategy (see OrderDesk.cancelOpen). */
  cancelOpen(e: Entry): Promise<CancelOutcome> {
    return this.desk.cancelOpen(e);
  }

  /** Order and fill events of strategies (clOrdId `s<id>...`), in bus order: the ledgers. */
  consume(events: BusEvent[]): void {
    for (const ev of events) {
      if (ev.type !== "order" && ev.type !== "fill") continue;
      // An engine's or an HTTP publisher's order and fill events are no strategy's.
      if (!fromTruth(ev.source)) continue;
      const text = textOf(ev);
      const at = text.indexOf('"clOrdId":"s');
      if (at < 0) continue;
      const e = this.entries.get(text.slice(at + 12, at + 22));
      if (!e) continue;
      const data = (JSON.parse(text) as { data?: Record<string, unknown> }).data;
      if (!data || typeof data.clOrdId !== "string" || !data.clOrdId.startsWith(strategyOrderPrefix(e.rec.id)))
        continue;
      if (ev.type === "order") e.live.ledger.applyOrder(data as unknown as Order);
      else if (e.live.ledger.applyFill(data as unknown as Fill)) e.live.counters.fills++;
      e.live.dirty = true;
    }
  }

  /** Saves and publishes a state change at once. */
  async setState(e: Entry, state: StrategyState, reason: string | null): Promise<void> {
    e.rec.state = state;
    e.rec.reason = reason;
    e.rec.updatedAt = Date.now();
    await this.save(e);
    this.publish(e);
  }

  async save(e: Entry): Promise<void> {
    e.rec.saved = e.live.ledger.snapshot();
    e.savedFills = e.live.counters.fills;
    e.savedAt = Date.now();
    await this.d.store
      .save(e.rec)
      .catch((err: Error) => this.d.log.error("strategy change not saved", { id: e.rec.id, error: err.message }));
  }

  lastPx = (instId: string): number | undefined => {
    const last = Number(this.d.state.get(`tickers:${instId}`)?.last);
    return Number.isFinite(last) && last > 0 ? last : undefined;
  };

  publish(e: Entry, figures = e.live.figures(this.lastPx)): void {
    e.live.lastSent = JSON.stringify(figures);
    const status = e.live.status(e.rec, figures);
    try {
      this.d.publisher.publish({ type: "strategy", channel: `strategy:${e.rec.id}`, dataJson: JSON.stringify(status) });
    } catch (err) {
      this.d.log.error("strategy status not published", { id: e.rec.id, error: (err as Error).message });
    }
  }

  /** Publishes a strategy that was deleted, so the latest state forgets it. */
  gone(id: string): void {
    this.d.publisher.publish({
      type: "strategy",
      channel: `strategy:${id}`,
      dataJson: JSON.stringify({ id, deleted: true }),
    });
  }

  /** Figures that moved go out; positions of running strategies are saved now and then. */
  private tick(): void {
    const now = Date.now();
    for (const e of this.entries.values()) {
      const active = e.rec.state !== "stopped" && e.rec.state !== "error";
      if (!active && !e.live.dirty) continue;
      const figures = e.live.figures(this.lastPx);
      if (active) e.live.pnl.sample(now, figures.pnl.total);
      if (e.live.dirty || JSON.stringify(figures) !== e.live.lastSent) this.publish(e, figures);
      if (active && e.live.counters.fills !== e.savedFills && now - e.savedAt >= this.d.tuning.saveMs)
        void this.save(e);
    }
  }

  /**
   * Service shutdown: every running strategy's Worker ends and its open orders are cancelled,
   * but its record keeps the state it had, so the next start sees that it was running.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(
      [...this.entries.values()]
        .filter((e) => RUNNING.has(e.rec.state) || e.rec.state === "stopping")
        .map(async (e) => {
          await e.live.runner?.stop(this.d.tuning.stopGraceMs);
          e.live.runner = undefined;
          const c = await this.desk.cancelOpen(e);
          if (c.failed > 0) this.d.log.warn("orders of a strategy left open at shutdown", { id: e.rec.id, ...c });
          await this.save(e);
        }),
    );
  }
}
