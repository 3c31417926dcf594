// The simulated liquidity of one instrument: price levels in integer ticks, sizes in integer lots,
// reshaped around the random-walk mid each step and consumed by taker orders.
import type { Rng } from "./rng.ts";

/** [price in ticks, size in lots, number of orders] */
export type Level = [number, number, number];
export type BookSide = "bids" | "asks";

export class SyntheticBook {
  /** Best first: bids descending, asks ascending. */
  readonly bids: Level[] = [];
  readonly asks: Level[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly depth: number,
    private readonly meanLots: number,
  ) {}

  best(side: BookSide): number | undefined {
    return this[side][0]?.[0];
  }

  /**
   * Moves the book so that bids start at or below bidTop and asks at or above askTop: levels that
   * the move crossed are gone, new ones appear at the touch, the far end is trimmed and refilled,
   * and a few sizes change.
   */
  reshape(bidTop: number, askTop: number): void {
    this.reshapeSide(this.bids, bidTop, -1);
    this.reshapeSide(this.asks, askTop, 1);
  }

  /** Lots available on `side` at prices no worse than `limit` (undefined: any price). */
  available(side: BookSide, limit?: number): number {
    let sum = 0;
    for (const [px, lots] of this[side]) {
      if (limit !== undefined && !within(side, px, limit)) break;
      sum += lots;
    }
    return sum;
  }

  /** Takes up to `lots` from `side`, best price first, never past `limit`; returns the fills. */
  take(side: BookSide, lots: number, limit?: number): { px: number; lots: number }[] {
    const levels = this[side];
    const fills: { px: number; lots: number }[] = [];
    while (lots > 0 && levels.length > 0) {
      const lvl = levels[0]!;
      if (limit !== undefined && !within(side, lvl[0], limit)) break;
      const n = Math.min(lots, lvl[1]);
      fills.push({ px: lvl[0], lots: n });
      lots -= n;
      lvl[1] -= n;
      if (lvl[1] <= 0) levels.shift();
      else lvl[2] = Math.max(1, Math.min(lvl[2], Math.ceil(lvl[2] * (lvl[1] / (lvl[1] + n)))));
    }
    return fills;
  }

  /** Takes quote value (price ticks × lots summed, scaled by `valuePerTickLot`) instead of size. */
  takeValue(side: BookSide, value: number, valuePerTickLot: number): { px: number; lots: number }[] {
    const levels = this[side];
    const fills: { px: number; lots: number }[] = [];
    while (value > 0 && levels.length > 0) {
      const lvl = levels[0]!;
      const perLot = lvl[0] * valuePerTickLot;
      const n = Math.min(lvl[1], Math.floor(value / perLot + 1e-9));
      if (n <= 0) break;
      fills.push({ px: lvl[0], lots: n });
      value -= n * perLot;
      lvl[1] -= n;
      if (lvl[1] <= 0) levels.shift();
    }
    return fills;
  }

  private newLevel(px: number): Level {
    const lots = Math.max(1, Math.round(this.meanLots * (0.1 + this.rng.next() * 1.8)));
    return [px, lots, this.rng.int(1, 12)];
  }

  private gap(): number {
    return this.rng.chance(0.75) ? 1 : this.rng.int(2, 4);
  }

  private reshapeSide(levels: Level[], top: number, dir: -1 | 1): void {
    // Drop what the move crossed.
    while (levels.length > 0 && (dir < 0 ? levels[0]![0] > top : levels[0]![0] < top)) levels.shift();
    // New levels between the touch and the old best.
    const oldBest = levels[0]?.[0];
    const fresh: Level[] = [];
    for (
      let px = top;
      oldBest === undefined ? fresh.length < this.depth : dir < 0 ? px > oldBest : px < oldBest;
      px += dir * this.gap()
    ) {
      if (px <= 0) break;
      fresh.push(this.newLevel(px));
      if (fresh.length >= this.depth) break;
    }
    levels.unshift(...fresh);
    // A few sizes change; now and then a level away from the touch disappears.
    for (let k = 0; k < 3 && levels.length > 1; k++) {
      const i = Math.min(levels.length - 1, Math.floor(Math.abs(this.rng.normal()) * 8));
      if (i > 0 && this.rng.chance(0.15)) levels.splice(i, 1);
      else levels[i] = this.newLevel(levels[i]![0]);
    }
    // Trim the far end, then refill it to the depth.
    if (levels.length > this.depth) levels.length = this.depth;
    while (levels.length < this.depth) {
      const last = levels[levels.length - 1]![0] + dir * this.gap();
      if (last <= 0) break;
      levels.push(this.newLevel(last));
    }
  }
}

function within(side: BookSide, px: number, limit: number): boolean {
  return side === "asks" ? px <= limit : px >= limit;
}
