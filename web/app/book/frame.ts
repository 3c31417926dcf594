// What the order book shows, computed from the store's book: a fixed number of lines a side
// (asks from the worst down to the best, bids from the best down), each with its price, size,
// cumulative size and the depth bar's share of the larger side's total; the spread between.
// Plain data: the page hands it to the canvas's drawing thread.
import type { Book, Level } from "../../client/types.ts";
import { type Digits, fmtPx, fmtSz } from "../format.ts";

export interface BookLine {
  px: string;
  sz: string;
  total: string;
  /** The bar: cumulative size over the larger side's total, 0..1. */
  depth: number;
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

/** `digits`: the instrument's decimals for prices and sizes (the exchange's strings as they are while unknown). */
export function bookFrame(b: Book, depth: number, digits?: Digits): BookFrame {
  const a = side(b.asks, depth);
  const d = side(b.bids, depth);
  const max = Math.max(a.total, d.total, 1e-12);
  const line = (l: { px: string; sz: string; cum: number } | undefined): BookLine | null =>
    l
      ? {
          px: fmtPx(l.px, digits?.px),
          sz: fmtSz(l.sz, digits?.sz),
          total: fmtSz(l.cum, digits?.sz),
          depth: Math.min(1, l.cum / max),
        }
      : null;
  const asks = Array.from({ length: depth }, (_, i) => line(a.lines[depth - 1 - i]));
  const bids = Array.from({ length: depth }, (_, i) => line(d.lines[i]));
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
