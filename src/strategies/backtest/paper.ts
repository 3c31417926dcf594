// The exchange of a backtest: one instrument whose price moves along a path (the bars' opens,
// highs, lows and closes), a one-tick spread over the last price, and the strategy's orders on it.
// An order that reaches the other side when placed fills at once at the touch (taker); a resting
// limit fills at its own price once the path reaches it (maker). Every fill is whole: no queue,
// no partial fills, no size limit at a price. IOC and FOK that do not cross end unfilled, a
// post-only that would cross is cancelled, a reduce-only order that would grow the position is
// refused, as the exchange does. Fees are charged in the quote currency. Pure and synchronous:
// what happens is handed to `emit` in order.
import type { Fill, Order } from "../../domain/events.ts";
import type { CancelAnswer, InstrumentSpec, OrderRequest, PlaceAnswer } from "../kind.ts";

export interface PaperFees {
  /** Fractions of the value traded: 0.0008 is 0.08%. */
  maker: number;
  taker: number;
}

export interface PaperEvents {
  order(o: Order): void;
  fill(f: Fill): void;
}

/** Sizes and prices are decimals: compare them on a fine grid. */
const EPS = 1e-9;
const onGrid = (v: number, step: number) => Math.abs(v / step - Math.round(v / step)) < 1e-6;
const decimalsOf = (step: number) => Math.max(0, -Math.floor(Math.log10(step) + EPS));

export class PaperExchange {
  /** Signed position (contracts for derivatives, base for spot). */
  pos = 0;
  last = 0;
  private readonly resting = new Map<string, Order>();
  private seq = 0;
  private readonly quote: string;
  private readonly pxDecimals: number;

  constructor(
    private readonly rules: InstrumentSpec,
    private readonly fees: PaperFees,
    private readonly emit: PaperEvents,
    private readonly now: () => number,
  ) {
    this.quote = rules.instId.split("-")[1] ?? "";
    this.pxDecimals = decimalsOf(rules.tickSz);
  }

  get bid(): number {
    return this.last;
  }
  get ask(): number {
    return this.last + this.rules.tickSz;
  }
  /** A price as the exchange writes it (the tick's decimals). */
  text(px: number): string {
    return px.toFixed(this.pxDecimals);
  }
  /** Orders resting on the book. */
  get open(): number {
    return this.resting.size;
  }

  place(o: OrderRequest & { clOrdId: string }): PlaceAnswer {
    const r = this.rules;
    const px = Number(o.px);
    const sz = Number(o.sz);
    const refuse = (code: string, message: string): PlaceAnswer => ({ ok: false, clOrdId: o.clOrdId, code, message });
    if (o.instId !== r.instId) return refuse("invalid_order", `${o.instId} is not the instrument backtested`);
    if (!(px > 0) || !onGrid(px, r.tickSz)) return refuse("invalid_order", `px must be a multiple of ${r.tickSz}`);
    if (!(sz >= r.minSz - EPS) || !onGrid(sz, r.lotSz))
      return refuse("invalid_order", `sz must be a multiple of ${r.lotSz}, at least ${r.minSz}`);
    const buy = o.side === "buy";
    if (
      o.reduceOnly &&
      r.instType !== "SPOT" &&
      (this.pos === 0 || buy === this.pos > 0 || sz > Math.abs(this.pos) + EPS)
    )
      return refuse("reduce_only", "a reduce-only order may not open or grow a position");
    const ordId = String(++this.seq);
    const order = this.order(o, ordId, px);
    const crosses = buy ? px >= this.ask - EPS : px <= this.bid + EPS;
    if (crosses && o.ordType === "post_only") {
      this.emit.order({ ...order, state: "canceled" });
    } else if (crosses) {
      this.fill(order, buy ? this.ask : this.bid, "T");
    } else if (o.ordType === "ioc" || o.ordType === "fok") {
      this.emit.order({ ...order, state: "canceled" });
    } else {
      this.resting.set(o.clOrdId, order);
      this.emit.order(order);
    }
    return { ok: true, clOrdId: o.clOrdId, ordId };
  }

  cancel(clOrdId: string): CancelAnswer {
    const o = this.resting.get(clOrdId);
    if (!o) return { ok: false, code: "not_found", message: "no such open order" };
    this.resting.delete(clOrdId);
    this.emit.order({ ...o, state: "canceled", uTime: this.now() });
    return { ok: true };
  }

  /**
   * The price goes from where it is to `to` in a straight line: resting orders it reaches fill at
   * their own prices, in the order it reaches them.
   */
  move(to: number): void {
    const falling = to < this.last;
    const reached = [...this.resting.values()]
      .filter((o) =>
        falling ? o.side === "buy" && Number(o.px) >= to - EPS : o.side === "sell" && Number(o.px) <= to + EPS,
      )
      .sort((a, b) => (falling ? Number(b.px) - Number(a.px) : Number(a.px) - Number(b.px)));
    for (const o of reached) {
      this.resting.delete(o.clOrdId);
      // A reduce-only order the position no longer allows is cancelled, as the exchange does.
      if (o.reduceOnly && this.rules.instType !== "SPOT" && Number(o.sz) > Math.abs(this.pos) + EPS) {
        this.emit.order({ ...o, state: "canceled", uTime: this.now() });
        continue;
      }
      this.fill(o, Number(o.px), "M");
    }
    this.last = to;
  }

  private fill(o: Order, px: number, execType: "T" | "M"): void {
    const sz = Number(o.sz);
    const fee = -(px * sz * (this.rules.ctVal || 1) * (execType === "M" ? this.fees.maker : this.fees.taker));
    const ts = this.now();
    const fillPx = px.toFixed(this.pxDecimals);
    const tradeId = `${o.ordId}-1`;
    this.pos = Math.round((this.pos + (o.side === "buy" ? sz : -sz)) * 1e12) / 1e12;
    const feeText = String(Math.round(fee * 1e10) / 1e10);
    this.emit.order({
      ...o,
      state: "filled",
      accFillSz: o.sz,
      avgPx: fillPx,
      fillPx,
      fillSz: o.sz,
      fillTime: ts,
      tradeId,
      execType,
      fee: feeText,
      feeCcy: this.quote,
      uTime: ts,
    });
    this.emit.fill({
      ordId: o.ordId,
      clOrdId: o.clOrdId,
      instId: o.instId,
      tradeId,
      side: o.side,
      fillPx,
      fillSz: o.sz,
      fee: feeText,
      feeCcy: this.quote,
      execType,
      ts,
    });
  }

  private order(o: OrderRequest & { clOrdId: string }, ordId: string, px: number): Order {
    const ts = this.now();
    return {
      ordId,
      clOrdId: o.clOrdId,
      instId: o.instId,
      instType: this.rules.instType,
      side: o.side,
      ordType: o.ordType,
      tdMode: o.tdMode ?? (this.rules.instType === "SPOT" ? "cash" : "cross"),
      posSide: "net",
      px: px.toFixed(this.pxDecimals),
      sz: o.sz,
      state: "live",
      accFillSz: "0",
      avgPx: "",
      fillPx: "",
      fillSz: "",
      fillTime: null,
      tradeId: "",
      execType: "",
      fee: "0",
      feeCcy: this.quote,
      reduceOnly: o.reduceOnly === true,
      cTime: ts,
      uTime: ts,
    };
  }
}
