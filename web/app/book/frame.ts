// What the order book shows, computed from the store's book: a fixed number of lines a side
// (asks from the worst down to the best, bids from the best down), each with its price, size,
// cumulative size and the depth bar's share of the larger side's total, and the user's own open
// orders resting there; the spread between.
// Plain data: the page hands it to the canvas's drawing thread.
import type { Book, Level } from "../../client/types.ts";
import { type Digits, fmtPx, fmtSz } from "../format.ts";

export interface BookLine {
  px: string;
  sz: string;
  total: string;
  /** The bar: cumulative size over the larger side's total, 0..1. */
  depth: number;
  /** What the user's own open orders rest at this price (in the lot's decimals), if any. */
  mine?: string;
}

/** The user's open orders' remaining size by price (as a number), a map per side of the book. */
export interface MyLevels {
  asks: Map<number, number>;
  bids: Map<number, number>;
}

export interface BookFrame {
  /** `depth` lines, top to bottom: the worst ask first, the best next to the spread (null: no level). */
  asks: (BookLine | null)[];
  /** `depth` lines, top to bottom: the best bid first. */
  bids: (BookLine | null)[];
  /** The spread ("0.1", in the tick's decimals), "–" without both sides. */
  spread: string;
  /** The spread in basis points of the mid (" (0.23 bp)"), "" without both sides. */
  bp: string;
}

/** A side's first `depth` levels with their running totals, and the side's total. */
function side(levels: Level[], depth: number): { lines: { px: string; sz: string; cum: number }[]; total: number } {
  let cum = 0;
  const lines = levels.slice(0, depth).map(([px, sz]) => ({ px, sz, cum: (cum += Number(sz)) }));
  return { lines, total: cum };
}

/**
 * `digits`: the instrument's decimals for prices and sizes (the exchange's strings as they are
 * while unknown); `mine`: the user's own open orders by price, marked on their lines.
 */
export function bookFrame(b: Book, depth: number, digits?: Digits, mine?: MyLevels): BookFrame {
  const a = side(b.asks, depth);
  const d = side(b.bids, depth);
  const max = Math.max(a.total, d.total, 1e-12);
  const line = (l: { px: string; sz: string; cum: number } | undefined, own?: Map<number, number>): BookLine | null => {
    if (!l) return null;
    const out: BookLine = {
      px: fmtPx(l.px, digits?.px),
      sz: fmtSz(l.sz, digits?.sz),
      total: fmtSz(l.cum, digits?.sz),
      depth: Math.min(1, l.cum / max),
    };
    const resting = own?.get(Number(l.px));
    if (resting) out.mine = fmtSz(resting, digits?.sz);
    return out;
  };
  const asks = Array.from({ length: depth }, (_, i) => line(a.lines[depth - 1 - i], mine?.asks));
  const bids = Array.from({ length: depth }, (_, i) => line(d.lines[i], mine?.bids));
  const bestAsk = Number(b.asks[0]?.[0]);
  const bestBid = Number(b.bids[0]?.[0]);
  const sp = Number.isFinite(bestAsk) && Number.isFinite(bestBid) ? bestAsk - bestBid : null;
  const mid = sp === null ? 0 : (bestAsk + bestBid) / 2;
  return {
    asks,
    bids,
    spread: sp === null ? "–" : digits ? sp.toFixed(digits.px) : String(Number(sp.toPrecision(6))),
    bp: sp !== null && mid > 0 ? ` (${((sp / mid) * 1e4).toFixed(2)} bp)` : "",
  };
}
