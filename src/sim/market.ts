// The market data generator: one seeded random walk per pair drives the synthetic books of its
// spot and swap, prints public trades, and keeps the 24h ticker statistics and the candles.
import type { Side } from "../okx/types.ts";
import { SyntheticBook } from "./book.ts";
import { CandleSeries } from "./candles.ts";
import type { InstrumentTable, SimInstrument } from "./instruments.ts";
import type { ResolvedOptions } from "./options.ts";
import { createRng, deriveSeed, type Rng } from "./rng.ts";

export interface PublicTrade {
  instId: string;
  tradeId: string;
  px: number;
  lots: number;
  side: Side;
  ts: number;
}

const RECENT_TRADES = 500;
/** A step prints no trade half the time, else 1-3: one a step on average. */
const TRADES_PER_STEP = 1;
/** A trade takes 2-32% of a level's mean size: 17% on average. */
const TRADE_SHARE_MIN = 0.02;
const TRADE_SHARE_SPAN = 0.3;
/** The step the history is modelled on when the market moves only when told (`tickMs` 0). */
const HISTORY_STEP_MS = 100;
/** Each step the fair price moves this share of the way back to where its walk started. */
const REVERSION_PER_STEP = 0.0005;

export class InstrumentMarket {
  readonly book: SyntheticBook;
  readonly candles: CandleSeries;
  readonly recent: PublicTrade[] = [];
  /** Trades not yet pushed on the `trades` channel. */
  pending: PublicTrade[] = [];
  last: { px: number; lots: number; ts: number };
  open24h: number;
  high24h: number;
  low24h: number;
  /** 24h volume in lots and in quote currency. */
  volLots = 0;
  volQuote = 0;
  private tradeSeq: number;
  /** Units of quote currency per (tick × lot). */
  readonly valuePerTickLot: number;
  readonly meanLots: number;

  constructor(
    readonly inst: SimInstrument,
    private readonly rng: Rng,
    opts: ResolvedOptions,
    now: number,
  ) {
    const pxTicks = Math.round(inst.startPx * 10 ** inst.pxDec);
    this.valuePerTickLot = 10 ** -inst.pxDec * 10 ** -inst.szDec * inst.ctVal;
    // About 20,000 quote units per level.
    this.meanLots = Math.max(1, Math.round(20_000 / inst.startPx / inst.ctVal / 10 ** -inst.szDec));
    this.book = new SyntheticBook(rng, opts.bookLevels, this.meanLots);
    this.book.reshape(pxTicks - 1, pxTicks + 1);
    const lotBase = 10 ** -inst.szDec * inst.ctVal;
    // The history moves and trades per minute as the live steps will.
    const stepsPerMin = 60_000 / (opts.tickMs > 0 ? opts.tickMs : HISTORY_STEP_MS);
    const meanTradeLots = this.meanLots * (TRADE_SHARE_MIN + TRADE_SHARE_SPAN / 2);
    this.candles = new CandleSeries(inst.startPx, now, rng, {
      sigma: opts.volatility * Math.sqrt(stepsPerMin),
      reversion: 1 - (1 - REVERSION_PER_STEP) ** stepsPerMin,
      baseVolPerMin: stepsPerMin * TRADES_PER_STEP * meanTradeLots * lotBase,
    });
    const day = this.candles.rows("1m", now, { limit: 300 });
    this.open24h = Math.round(Number(day[day.length - 1]?.[1] ?? inst.startPx) * 10 ** inst.pxDec);
    this.high24h = Math.max(pxTicks, ...day.map((r) => Math.round(Number(r[2]) * 10 ** inst.pxDec)));
    this.low24h = Math.min(pxTicks, ...day.map((r) => Math.round(Number(r[3]) * 10 ** inst.pxDec)));
    for (const r of day) {
      this.volLots += Math.round(Number(r[5]) * 10 ** inst.szDec);
      this.volQuote += Number(r[7]);
    }
    this.last = { px: pxTicks, lots: this.meanLots, ts: now };
    this.tradeSeq = 100_000_000 + rng.int(0, 99_999_999);
  }

  /** Moves the book to a new mid (in ticks) and prints a few synthetic trades at the touch. */
  step(midTicks: number, now: number): void {
    const spread = this.rng.chance(0.7) ? 1 : this.rng.int(2, 3);
    const bidTop = Math.max(1, Math.floor(midTicks - spread / 2));
    this.book.reshape(bidTop, bidTop + spread);
    const n = this.rng.chance(0.5) ? 0 : this.rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const side: Side = this.rng.chance(0.5) ? "buy" : "sell";
      const lots = Math.max(1, Math.round(this.meanLots * (TRADE_SHARE_MIN + this.rng.next() * TRADE_SHARE_SPAN)));
      for (const f of this.book.take(side === "buy" ? "asks" : "bids", lots)) this.recordTrade(f.px, f.lots, side, now);
    }
    this.candles.update(this.mid() / 10 ** this.inst.pxDec, 0, now);
  }

  recordTrade(px: number, lots: number, side: Side, ts: number): PublicTrade {
    const t: PublicTrade = { instId: this.inst.instId, tradeId: String(++this.tradeSeq), px, lots, side, ts };
    this.pending.push(t);
    this.recent.push(t);
    if (this.recent.length > RECENT_TRADES) this.recent.splice(0, this.recent.length - RECENT_TRADES);
    this.last = { px, lots, ts };
    this.high24h = Math.max(this.high24h, px);
    this.low24h = Math.min(this.low24h, px);
    this.volLots += lots;
    this.volQuote += px * lots * this.valuePerTickLot;
    this.candles.update(px / 10 ** this.inst.pxDec, lots * 10 ** -this.inst.szDec * this.inst.ctVal, ts);
    return t;
  }

  /** Mid of the synthetic touch, in ticks. */
  mid(): number {
    const b = this.book.best("bids");
    const a = this.book.best("asks");
    if (b === undefined || a === undefined) return this.last.px;
    return (a + b) / 2;
  }

  /** Mid as a price. */
  midPx(): number {
    return this.mid() / 10 ** this.inst.pxDec;
  }
}

/** All instruments; each pair's spot and swap follow the same walk. */
export class Market {
  readonly byId = new Map<string, InstrumentMarket>();
  /** One walk per pair, with the instruments (spot and swap) that follow it. */
  private fair = new Map<string, { px: number; start: number; rng: Rng; markets: InstrumentMarket[] }>();

  constructor(
    readonly instruments: InstrumentTable,
    private readonly opts: ResolvedOptions,
    now = Date.now(),
  ) {
    for (const inst of instruments.all) {
      const rng = createRng(deriveSeed(opts.seed, inst.instId));
      const m = new InstrumentMarket(inst, rng, opts, now);
      this.byId.set(inst.instId, m);
      const pair = pairOf(inst);
      let f = this.fair.get(pair);
      if (!f)
        this.fair.set(
          pair,
          (f = {
            px: inst.startPx,
            start: inst.startPx,
            rng: createRng(deriveSeed(opts.seed, `walk:${pair}`)),
            markets: [],
          }),
        );
      f.markets.push(m);
    }
  }

  get(instId: string): InstrumentMarket | undefined {
    return this.byId.get(instId);
  }

  /** Pairs (a spot instrument and its swap share one walk). */
  get pairCount(): number {
    return this.fair.size;
  }

  /** Slices a tick of `tickMs` is spread over: at least 5 ms each, at most one per pair. */
  slicesPerTick(tickMs: number): number {
    return Math.max(1, Math.min(this.fair.size, Math.floor(tickMs / 5)));
  }

  /**
   * One step of the walks; returns the instruments that moved. With `slices` > 1 only the pairs
   * whose index is `slice` modulo `slices` step: the timer spreads a tick over several slices,
   * so pushes come spread out as on OKX instead of one burst for every instrument at once.
   */
  step(now: number, slice = 0, slices = 1): InstrumentMarket[] {
    const moved: InstrumentMarket[] = [];
    let i = 0;
    for (const f of this.fair.values()) {
      if (i++ % slices !== slice) continue;
      f.px *= 1 + this.opts.volatility * f.rng.normal();
      f.px += (f.start - f.px) * REVERSION_PER_STEP;
      if (f.px < f.start * 0.05) f.px = f.start * 0.05;
      for (const m of f.markets) {
        m.step(f.px * 10 ** m.inst.pxDec, now);
        moved.push(m);
      }
    }
    return moved;
  }

  /** Jumps a pair's fair price (tests and the admin endpoint use this to cross resting orders). */
  setPrice(instId: string, px: number): boolean {
    const m = this.byId.get(instId);
    if (!m || !(px > 0)) return false;
    const f = this.fair.get(pairOf(m.inst))!;
    f.px = px;
    f.start = px;
    return true;
  }

  /** Mid price of a currency in USDT (1 for USDT and USDC; 0 if unknown). */
  usdPrice(ccy: string): number {
    if (ccy === "USDT" || ccy === "USDC" || ccy === "USD") return 1;
    const inst = this.instruments.usdPair(ccy);
    return inst ? (this.byId.get(inst.instId)?.midPx() ?? 0) : 0;
  }
}

function pairOf(inst: SimInstrument): string {
  return `${inst.baseCcy}-${inst.quoteCcy}`;
}
