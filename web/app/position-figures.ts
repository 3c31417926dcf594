// A position's size in money and its return: what it is worth at the mark price (linear
// contracts: size x contract value x mark), the margin it took at entry (that at its leverage),
// and its unrealized PnL as a share of that margin. Pure.
import type { Position } from "../client/types.ts";

/** What the position is worth at the mark price, in the quote currency (null while unpriced). */
export function positionValue(p: Pick<Position, "pos" | "markPx">, ctVal: number): number | null {
  const v = Math.abs(Number(p.pos)) * (ctVal || 1) * Number(p.markPx);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** The unrealized PnL as a percent of the margin the position took at entry (size x value x entry / leverage). */
export function returnOnMargin(p: Pick<Position, "pos" | "avgPx" | "upl" | "lever">, ctVal: number): number | null {
  const lever = Number(p.lever) > 0 ? Number(p.lever) : 1;
  const margin = (Math.abs(Number(p.pos)) * (ctVal || 1) * Number(p.avgPx)) / lever;
  const r = (Number(p.upl) / margin) * 100;
  return Number.isFinite(r) && margin > 0 ? r : null;
}
