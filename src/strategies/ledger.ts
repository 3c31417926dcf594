// One strategy's book-keeping from its own orders and fills as the exchange reports them:
// position and average entry price per instrument, realized PnL (average-cost method), fees,
// and its open orders. Pure: the service feeds it the bus's `order` and `fill` events.
//
// PnL is in the quote currency of linear instruments (spot, USDT swaps): a fill of q at p against
// a position at average a realizes q x (p - a) x ctVal for the part that reduces it. Fees are
// counted as paid amounts in the quote currency (a fee charged in the base currency, as OKX
// does on spot buys, is valued at the fill price); the position is the size traded.
import type { Fill, Order } from "../domain/events.ts";
import { ENDED_STATES } from "../domain/orders.ts";
import type { InstrumentFigures, LedgerSnapshot, OpenOrderView } from "./model.ts";

const REMEMBER = 2048;

/** A bounded set of recent keys: fills and closed orders seen once are not applied again. */
class Recent {
  private readonly keys = new Set<string>();
  has(k: string): boolean {
    return this.keys.has(k);
  }
  add(k: string): void {
    this.keys.add(k);
    if (this.keys.size > REMEMBER) this.keys.delete(this.keys.values().next().value!);
  }
}

const blank = (instId: string, ctVal: number): InstrumentFigures => ({
  instId,
  pos: 0,
  avgPx: 0,
  realizedPnl: 0,
  fees: 0,
  volume: 0,
  fills: 0,
  ctVal,
});

export class Ledger {
  private readonly figures = new Map<string, InstrumentFigures>();
  private readonly open = new Map<string, OpenOrderView>();
  private readonly fillsSeen = new Recent();
  private readonly closed = new Recent();

  constructor(
    saved: LedgerSnapshot | null,
    private readonly ctValOf: (instId: string) => number = () => 1,
  ) {
    for (const f of saved?.instruments ?? []) this.figures.set(f.instId, { ...f });
  }

  /** A fill of this strategy; one seen before (same order and trade) is ignored. */
  applyFill(f: Fill): boolean {
    const key = `${f.ordId}/${f.tradeId}`;
    const q = Number(f.fillSz);
    const p = Number(f.fillPx);
    if (this.fillsSeen.has(key) || !(q > 0) || !(p > 0)) return false;
    this.fillsSeen.add(key);
    const x = this.of(f.instId);
    const dq = f.side === "buy" ? q : -q;
    if (x.pos === 0 || Math.sign(x.pos) === Math.sign(dq)) {
      x.avgPx = (Math.abs(x.pos) * x.avgPx + q * p) / (Math.abs(x.pos) + q);
    } else {
      const closing = Math.min(q, Math.abs(x.pos));
      x.realizedPnl += closing * (p - x.avgPx) * Math.sign(x.pos) * x.ctVal;
      if (q > Math.abs(x.pos)) x.avgPx = p; // flipped: the rest opens at this price
    }
    x.pos = roundQty(x.pos + dq);
    if (x.pos === 0) x.avgPx = 0;
    x.fees += feePaid(f, p);
    x.volume += q * p * x.ctVal;
    x.fills++;
    return true;
  }

  /** An update of one of its orders: open ones are kept, closed ones dropped (and never brought back). */
  applyOrder(o: Order): void {
    if (this.closed.has(o.clOrdId)) return;
    if (ENDED_STATES.has(o.state)) {
      this.closed.add(o.clOrdId);
      this.open.delete(o.clOrdId);
      return;
    }
    this.open.set(o.clOrdId, {
      ordId: o.ordId,
      clOrdId: o.clOrdId,
      instId: o.instId,
      side: o.side,
      px: o.px,
      sz: o.sz,
      filledSz: o.accFillSz || "0",
      state: o.state,
    });
  }

  /** An order sent but not yet confirmed: counted in the exposure until it is confirmed or refused. */
  reserve(o: { clOrdId: string; instId: string; side: "buy" | "sell"; px: string; sz: string }): void {
    if (!this.open.has(o.clOrdId))
      this.open.set(o.clOrdId, {
        ordId: "",
        clOrdId: o.clOrdId,
        instId: o.instId,
        side: o.side,
        px: o.px,
        sz: o.sz,
        filledSz: "0",
        state: "sent",
      });
  }

  /** A reserved order the exchange or a check refused. */
  release(clOrdId: string): void {
    if (this.open.get(clOrdId)?.state === "sent") this.open.delete(clOrdId);
  }

  /** Records the exchange's id of a reserved order (so it can be cancelled before its first update). */
  acknowledged(clOrdId: string, ordId: string): void {
    const o = this.open.get(clOrdId);
    if (o && o.ordId === "") o.ordId = ordId;
  }

  openOrders(): OpenOrderView[] {
    return [...this.open.values()];
  }

  position(instId: string): number {
    return this.figures.get(instId)?.pos ?? 0;
  }

  /** The position if every open order on `side` filled: what a max-position check must bound. */
  exposure(instId: string, side: "buy" | "sell"): number {
    let x = this.position(instId);
    for (const o of this.open.values()) {
      if (o.instId !== instId || o.side !== side) continue;
      const rest = Number(o.sz) - Number(o.filledSz);
      if (rest > 0) x += side === "buy" ? rest : -rest;
    }
    return x;
  }

  /** Figures per instrument with unrealized PnL at the given last prices, and the totals. */
  report(lastPx: (instId: string) => number | undefined) {
    let realized = 0;
    let unrealized = 0;
    let fees = 0;
    const positions = [...this.figures.values()].map((x) => {
      const last = lastPx(x.instId);
      const u = x.pos !== 0 && last !== undefined ? x.pos * (last - x.avgPx) * x.ctVal : 0;
      realized += x.realizedPnl;
      unrealized += u;
      fees += x.fees;
      return { ...x, lastPx: last ?? null, unrealizedPnl: u };
    });
    return { positions, pnl: { realized, unrealized, fees, total: realized + unrealized - fees } };
  }

  snapshot(): LedgerSnapshot {
    return { instruments: [...this.figures.values()].map((x) => ({ ...x })) };
  }

  private of(instId: string): InstrumentFigures {
    const known = this.figures.get(instId);
    if (known) return known;
    const x = blank(instId, this.ctValOf(instId));
    this.figures.set(instId, x);
    return x;
  }
}

/** The fee as a paid amount in the quote currency (OKX writes charges negative). */
function feePaid(f: Fill, px: number): number {
  const fee = Number(f.fee);
  if (!Number.isFinite(fee) || fee === 0) return 0;
  const base = f.instId.split("-", 1)[0];
  return -fee * (f.feeCcy === base ? px : 1);
}

/** Sizes are decimals: keep sums on a 1e-12 grid so a flat position is exactly 0. */
const roundQty = (v: number): number => Math.round(v * 1e12) / 1e12;
