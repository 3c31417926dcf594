// A backtest: a strategy kind's own logic run over past bars of one instrument, against the paper
// exchange (paper.ts), on a clock of its own. Each bar is walked open -> low -> high -> close when
// it closed up (open -> high -> low -> close when down), a quarter of the bar apart, each leg in
// steps of at most STEP_PCT of the price (MAX_STEPS at most, on the tick grid) so that a stop is
// reached near its price, not at the leg's end; timers the logic set fire at their times in
// between. The logic gets what it gets when it runs: tickers, its orders and fills, and on
// derivatives the position (its own: `startPosition`, bought or sold at the first bar's open, then
// what it trades; flat by default). Its orders pass its limits (maxPosition, maxOrderNotional) as
// they do live; the order rate is not held to (live, orders over it wait their turn, seconds at
// most, which bars of a minute do not see). The figures are the live ones' (ledger.ts): PnL
// realized, unrealized at the last price, fees.
import type { Candle, Fill, Order, Position, Ticker } from "../../domain/events.ts";
import { flatPosition } from "../../domain/positions.ts";
import type { InstrumentSpec, Kind, OrderRequest, PendingOrder, StrategyContext, StrategyLogic } from "../kind.ts";
import { Ledger } from "../ledger.ts";
import { checkLimits } from "../limits.ts";
import type { StrategyLimits } from "../model.ts";
import { PaperExchange, type PaperFees } from "./paper.ts";

export interface BacktestRun {
  kind: Kind;
  /** Checked against the kind's schema already. */
  params: Record<string, unknown>;
  rules: InstrumentSpec;
  /** Oldest first. */
  bars: Candle[];
  barMs: number;
  fees: PaperFees;
  limits: StrategyLimits;
  /** What is held when it starts (signed: short < 0), at the first bar's open; its PnL counts. */
  startPosition?: number;
}

export interface BacktestFill {
  ts: number;
  side: "buy" | "sell";
  px: number;
  sz: number;
  fee: number;
  maker: boolean;
}

export interface BacktestResult {
  instId: string;
  from: number;
  to: number;
  bars: number;
  /** Total PnL (realized + unrealized - fees) and the price at each bar's close, at most MAX_POINTS of them. */
  curve: Array<{ ts: number; total: number; px: number }>;
  pnl: { realized: number; unrealized: number; fees: number; total: number };
  /** The largest fall of the total PnL from an earlier high. */
  maxDrawdown: number;
  /** Position at the end (signed) and its average price. */
  position: { pos: number; avgPx: number; lastPx: number };
  orders: { placed: number; refused: number; filled: number; canceled: number };
  volume: number;
  /** The last MAX_FILLS fills, oldest first. */
  fills: BacktestFill[];
  fillCount: number;
  /** Its log (the last MAX_LOGS lines). */
  logs: Array<{ ts: number; level: string; msg: string }>;
  /** Why it stopped before the last bar (it finished, or its code threw); null when it ran to the end. */
  ended: string | null;
  /** Its params as they ended (a trailing stop's moved stop). */
  params: Record<string, unknown>;
}

const MAX_POINTS = 600;
/** A leg of a bar is walked in steps of at most this share of the price... */
const STEP_PCT = 0.0005;
/** ...and in at most this many. */
const MAX_STEPS = 10;
const MAX_FILLS = 500;
const MAX_LOGS = 300;
/** Orders one backtest may place: a runaway strategy ends it, not the host. */
const MAX_ORDERS = 200_000;

class Ended extends Error {}

/** The prices a bar is walked through. */
export function pathOf(b: Candle): number[] {
  const [o, h, l, c] = [Number(b.o), Number(b.h), Number(b.l), Number(b.c)];
  return c >= o ? [o, l, h, c] : [o, h, l, c];
}

/**
 * The bar's walk as ticks: its path's four prices a quarter of the bar apart, each leg in steps
 * (on the tick grid) of at most STEP_PCT of the price, MAX_STEPS at most.
 */
export function ticksOf(b: Candle, barMs: number, tickSz: number): Array<{ t: number; px: number }> {
  const path = pathOf(b);
  const legMs = barMs / path.length;
  const out = [{ t: b.ts, px: path[0]! }];
  for (let k = 1; k < path.length; k++) {
    const from = path[k - 1]!;
    const to = path[k]!;
    const steps = Math.min(MAX_STEPS, Math.max(1, Math.ceil(Math.abs(to - from) / (from * STEP_PCT))));
    for (let j = 1; j <= steps; j++) {
      const px = j === steps ? to : Math.round((from + ((to - from) * j) / steps) / tickSz) * tickSz;
      out.push({ t: b.ts + Math.round(legMs * (k - 1 + j / steps)), px: Number(px.toPrecision(12)) });
    }
  }
  return out;
}

export async function replay(run: BacktestRun): Promise<BacktestResult> {
  const { rules, kind } = run;
  const instId = rules.instId;
  const derivative = rules.instType !== "SPOT";
  let clock = run.bars[0]?.ts ?? 0;
  const queue: Array<{ t: "order"; o: Order } | { t: "fill"; f: Fill }> = [];
  const paper = new PaperExchange(
    rules,
    run.fees,
    { order: (o) => queue.push({ t: "order", o }), fill: (f) => queue.push({ t: "fill", f }) },
    () => clock,
  );
  const start = run.startPosition ?? 0;
  const firstOpen = Number(run.bars[0]?.o ?? 0);
  const ctVal = rules.ctVal || 1;
  const ledger = new Ledger(
    start === 0
      ? null
      : {
          instruments: [{ instId, pos: start, avgPx: firstOpen, realizedPnl: 0, fees: 0, volume: 0, fills: 0, ctVal }],
        },
    () => ctVal,
  );
  const params = { ...run.params };
  const logs: BacktestResult["logs"] = [];
  const fills: BacktestFill[] = [];
  const orders = { placed: 0, refused: 0, filled: 0, canceled: 0 };
  let fillCount = 0;
  let ended: string | null = null;
  let seq = 0;
  const timers = new Set<{ ms: number; due: number; fn: () => void | Promise<void> }>();
  let ticker: Ticker | undefined;

  const log = (msg: string, level = "info") => {
    logs.push({ ts: clock, level, msg: String(msg).slice(0, 500) });
    if (logs.length > MAX_LOGS) logs.shift();
  };
  const ctx: StrategyContext = {
    id: "backtest",
    instruments: [instId],
    rules: (i) => (i === instId ? rules : undefined),
    ticker: (i) => (i === instId ? ticker : undefined),
    place(o: OrderRequest): PendingOrder {
      const clOrdId = `sbacktest${(++seq).toString(36)}`;
      const answer = (): ReturnType<PaperExchange["place"]> => {
        if (ended !== null) return { ok: false, clOrdId, code: "stopped", message: "the strategy has stopped" };
        const closes = derivative && o.reduceOnly === true;
        const refused = checkLimits(o, run.limits, {
          exposure: ledger.exposure(instId, o.side),
          rate: 0,
          ctVal: rules.ctVal || 1,
          px: Number(o.px),
          closes,
        });
        if (refused) return { ok: false, clOrdId, code: refused.code, message: refused.message };
        if (orders.placed >= MAX_ORDERS) throw new Ended(`more than ${MAX_ORDERS} orders: stopped`);
        ledger.reserve({ clOrdId, instId, side: o.side, px: o.px, sz: o.sz });
        const a = paper.place({ ...o, clOrdId });
        if (a.ok) ledger.acknowledged(clOrdId, a.ordId);
        else ledger.release(clOrdId);
        return a;
      };
      const a = answer();
      if (a.ok) orders.placed++;
      else orders.refused++;
      return { clOrdId, answer: Promise.resolve(a) };
    },
    cancel: async (_instId, clOrdId) => paper.cancel(clOrdId),
    log,
    every(ms, fn) {
      const t = { ms: Math.max(1, ms), due: clock + Math.max(1, ms), fn };
      timers.add(t);
      return () => void timers.delete(t);
    },
    finish(reason) {
      if (ended === null) ended = `finished: ${String(reason).slice(0, 500)}`;
    },
    adjust(patch) {
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete params[k];
        else params[k] = v;
      }
    },
    now: () => clock,
  };

  const logic: StrategyLogic = kind.create(ctx, run.params);
  let posSeen = 0;
  /** Hands the logic what the paper exchange did, in order (after the call that caused it, as live). */
  const drain = async () => {
    while (queue.length > 0) {
      const e = queue.shift()!;
      if (e.t === "order") {
        ledger.applyOrder(e.o);
        if (e.o.state === "filled") orders.filled++;
        else if (e.o.state === "canceled") orders.canceled++;
        await logic.onOrder?.(e.o);
      } else {
        ledger.applyFill(e.f);
        fillCount++;
        fills.push({
          ts: e.f.ts,
          side: e.f.side,
          px: Number(e.f.fillPx),
          sz: Number(e.f.fillSz),
          fee: -Number(e.f.fee),
          maker: e.f.execType === "M",
        });
        if (fills.length > MAX_FILLS) fills.shift();
        await logic.onFill?.(e.f);
      }
      if (derivative && kind.positions && paper.pos !== posSeen) {
        posSeen = paper.pos;
        await logic.onPosition?.(positionOf(rules, paper.pos, clock));
      }
    }
    // Answers resolve as microtasks: let the logic's `.then`s run before the clock moves on.
    await Promise.resolve();
  };
  const runTimers = async (until: number) => {
    for (;;) {
      let next: { ms: number; due: number; fn: () => void | Promise<void> } | undefined;
      for (const t of timers) if (t.due <= until && (!next || t.due < next.due)) next = t;
      if (!next || ended !== null) return;
      clock = next.due;
      next.due += next.ms;
      await next.fn();
      await drain();
    }
  };

  const curve: BacktestResult["curve"] = [];
  const every = Math.max(1, Math.ceil(run.bars.length / MAX_POINTS));
  let peak = 0;
  let maxDrawdown = 0;
  const total = () => ledger.report(() => paper.last).pnl.total;
  try {
    const first = run.bars[0];
    if (first) {
      paper.last = Number(first.o);
      paper.pos = posSeen = start;
      ticker = tickerOf(instId, paper, clock);
    }
    // As live: a kind that follows positions starts with the one held.
    if (derivative && kind.positions && start !== 0) await logic.onPosition?.(positionOf(rules, start, clock));
    await logic.onStart?.();
    await drain();
    bars: for (let i = 0; i < run.bars.length; i++) {
      const bar = run.bars[i]!;
      for (const { t, px } of ticksOf(bar, run.barMs, rules.tickSz)) {
        await runTimers(t);
        if (ended !== null) break bars;
        clock = t;
        paper.move(px);
        ticker = tickerOf(instId, paper, clock);
        await drain();
        await logic.onTicker?.(ticker);
        await drain();
        if (ended !== null) break bars;
      }
      const now = total();
      peak = Math.max(peak, now);
      maxDrawdown = Math.max(maxDrawdown, peak - now);
      if (i % every === 0 || i === run.bars.length - 1)
        curve.push({ ts: bar.ts + run.barMs, total: round(now), px: paper.last });
    }
    if (ended === null) await logic.onStop?.();
  } catch (err) {
    ended = err instanceof Ended ? err.message : `the strategy's code threw: ${(err as Error)?.message ?? String(err)}`;
    log(ended, "error");
  }
  const report = ledger.report(() => paper.last);
  const fig = report.positions.find((p) => p.instId === instId);
  return {
    instId,
    from: run.bars[0]?.ts ?? 0,
    to: (run.bars.at(-1)?.ts ?? 0) + run.barMs,
    bars: run.bars.length,
    curve,
    pnl: {
      realized: round(report.pnl.realized),
      unrealized: round(report.pnl.unrealized),
      fees: round(report.pnl.fees),
      total: round(report.pnl.total),
    },
    maxDrawdown: round(maxDrawdown),
    position: { pos: fig?.pos ?? 0, avgPx: round(fig?.avgPx ?? 0), lastPx: paper.last },
    orders,
    volume: round(fig?.volume ?? 0),
    fills,
    fillCount,
    logs,
    ended,
    params,
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

function tickerOf(instId: string, p: PaperExchange, ts: number): Ticker {
  return {
    instId,
    last: p.text(p.last),
    lastSz: "",
    bidPx: p.text(p.bid),
    bidSz: "",
    askPx: p.text(p.ask),
    askSz: "",
    open24h: "",
    high24h: "",
    low24h: "",
    vol24h: "",
    volCcy24h: "",
    ts,
  };
}

function positionOf(r: InstrumentSpec, pos: number, ts: number): Position {
  return { ...flatPosition(r.instId, ts), instType: r.instType, pos: String(pos), mgnMode: "cross" };
}
