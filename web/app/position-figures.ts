// A position's size in money and its return: what it is worth at the mark price (linear
// contracts: size x contract value x mark), and its unrealized PnL as a share of its margin: the
// exchange's own figure (uplRatio) where it gives one, else that of the margin it took at entry
// (size x contract value x entry / leverage). Pure.
import type { Position } from "../client/types.ts";

/** What the position is worth at the mark price, in the quote currency (null while unpriced). */
export function positionValue(p: Pick<Position, "pos" | "markPx">, ctVal: number): number | null {
  const v = Math.abs(Number(p.pos)) * (ctVal || 1) * Number(p.markPx);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** The unrealized PnL as a percent of the position's margin: the exchange's, else the margin taken at entry. */
export function returnOnMargin(
  p: Pick<Position, "pos" | "avgPx" | "upl" | "lever"> & { uplRatio?: string },
  ctVal: number,
): number | null {
  if (p.uplRatio !== undefined && p.uplRatio !== "" && Number.isFinite(Number(p.uplRatio)))
    return Number(p.uplRatio) * 100;
  const lever = Number(p.lever) > 0 ? Number(p.lever) : 1;
  const margin = (Math.abs(Number(p.pos)) * (ctVal || 1) * Number(p.avgPx)) / lever;
  const r = (Number(p.upl) / margin) * 100;
  return Number.isFinite(r) && margin > 0 ? r : null;
}
