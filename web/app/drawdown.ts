// The largest fall of a series from a peak before it (a curve of equity: how much was given back
// at worst), as an amount and as a share of that peak. Pure.

export interface Drawdown {
  /** How far it fell (>= 0), in the series' unit. */
  amount: number;
  /** That fall as a percent of the peak it fell from. */
  pct: number;
}

/** The largest fall from a running peak; null for fewer than two values or a series that never fell. */
export function maxDrawdown(values: readonly number[]): Drawdown | null {
  let peak = Number.NEGATIVE_INFINITY;
  let worst: Drawdown | null = null;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v > peak) peak = v;
    const fall = peak - v;
    if (fall > 0 && (!worst || fall > worst.amount)) worst = { amount: fall, pct: peak > 0 ? (fall / peak) * 100 : 0 };
  }
  return worst;
}
