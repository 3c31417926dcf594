// What an order reserves (ordFrozen) and what a fill costs: the money side of matching, kept
// apart from the matching rules. Spot buys pay fees in the base currency, spot sells and swaps
// in the quote currency; fees are written negative.
import type { Account } from "./account.ts";
import type { SimInstrument } from "./instruments.ts";
import type { InstrumentMarket } from "./market.ts";
import type { ResolvedOptions } from "./options.ts";
import type { SimOrder } from "./orders.ts";
import type { ParsedPlace } from "./validate.ts";

export interface Need {
  ccy: string;
  /** Amount that must be available. */
  amount: number;
  /** Part of it reserved while the order rests (0 for orders that never rest). */
  freeze: number;
}

/** Quote units per (tick × lot) of an instrument. */
export function valuePerTickLot(inst: SimInstrument): number {
  return 10 ** -inst.pxDec * 10 ** -inst.szDec * inst.ctVal;
}

/** Base-currency amount of `lots` (for swaps: contracts × ctVal). */
export function baseOf(inst: SimInstrument, lots: number): number {
  return lots * 10 ** -inst.szDec * inst.ctVal;
}

/** What placing `p` (or the unfilled `lots` of it) needs, given the market's touch; `lever`: the swap's leverage. */
export function need(
  p: Pick<ParsedPlace, "inst" | "side" | "ordType" | "px" | "lots" | "quoteSz" | "reduceOnly">,
  m: InstrumentMarket,
  lever: number,
): Need {
  const inst = p.inst;
  const v = valuePerTickLot(inst);
  const rests = p.ordType === "limit" || p.ordType === "post_only";
  const touch = p.side === "buy" ? (m.book.best("asks") ?? m.last.px) : (m.book.best("bids") ?? m.last.px);
  const px = p.px ?? touch;
  if (inst.instType === "SPOT") {
    if (p.side === "buy") {
      const amount = p.quoteSz ?? px * p.lots * v * (p.px === undefined ? 1.02 : 1);
      return { ccy: inst.quoteCcy, amount, freeze: rests ? amount : 0 };
    }
    const amount = p.quoteSz !== undefined ? p.quoteSz / (touch * 10 ** -inst.pxDec) : baseOf(inst, p.lots);
    return { ccy: inst.baseCcy, amount, freeze: rests ? amount : 0 };
  }
  if (p.reduceOnly) return { ccy: inst.quoteCcy, amount: 0, freeze: 0 };
  const margin = (px * p.lots * v) / lever;
  return { ccy: inst.quoteCcy, amount: margin * 1.01, freeze: rests ? margin : 0 };
}

/**
 * Books one fill in the account and on the order; returns its fee (negative) and the PnL it
 * realized (a swap's fill that reduces the position; 0 otherwise), for the push.
 */
export function settleFill(
  o: SimOrder,
  px: number,
  lots: number,
  maker: boolean,
  tradeId: string,
  account: Account,
  opts: ResolvedOptions,
  now: number,
): { fee: number; pnl: number } {
  const inst = o.inst;
  const v = valuePerTickLot(inst);
  const value = px * lots * v;
  const base = baseOf(inst, lots);
  const spot = inst.instType === "SPOT";
  const rate = spot
    ? maker
      ? opts.fees.spotMaker
      : opts.fees.spotTaker
    : maker
      ? opts.fees.swapMaker
      : opts.fees.swapTaker;
  let fee: number;
  let pnl = 0;
  // Release what the order reserved for this part.
  const reservedPx = o.px ?? px;
  const release = spot
    ? o.side === "buy"
      ? reservedPx * lots * v
      : base
    : (reservedPx * lots * v) / (o.lever ?? account.lever(inst.instId));
  const released = Math.min(o.frozen, release);
  if (released > 0) {
    account.unfreeze(o.frozenCcy, released, now);
    o.frozen -= released;
  }
  if (spot && o.side === "buy") {
    fee = -base * rate;
    account.credit(inst.baseCcy, base + fee, now);
    account.credit(inst.quoteCcy, -value, now);
    o.feeCcy = inst.baseCcy;
  } else if (spot) {
    fee = -value * rate;
    account.credit(inst.baseCcy, -base, now);
    account.credit(inst.quoteCcy, value + fee, now);
    o.feeCcy = inst.quoteCcy;
  } else {
    fee = -value * rate;
    account.credit(inst.quoteCcy, fee, now);
    const contracts = lots * 10 ** -inst.szDec * (o.side === "buy" ? 1 : -1);
    pnl = account.applySwapFill(inst, contracts, px / 10 ** inst.pxDec, fee, tradeId, now);
    o.pnl += pnl;
    o.feeCcy = inst.quoteCcy;
  }
  o.fee += fee;
  o.filledLots += lots;
  o.filledTicksLots += px * lots;
  o.filledQuote += value;
  return { fee, pnl };
}

/** Returns whatever the order still reserves (on cancel or completion). */
export function releaseAll(o: SimOrder, account: Account, now: number): void {
  if (o.frozen > 0) account.unfreeze(o.frozenCcy, o.frozen, now);
  o.frozen = 0;
}
