// What one publisher may put on the bus: a byte budget per publisher (a token bucket), so that no
// single publisher can push everyone else's events out of the replay window (the ring's bytes).
// Used for POST /api/events (per user) and the engine bridge (per engine); the exchange and
// tradewire's own services are not budgeted.

/** What every event costs besides its data (its id, type, channel and times; the ring's bytes per slot by default). */
export const EVENT_OVERHEAD_BYTES = 128;

export interface BudgetOptions {
  /** Bytes a publisher may put on the bus per second, on average. */
  bytesPerS: number;
  /** Bytes it may put at once (the bucket's size). */
  burstBytes: number;
  /** Publishers remembered at most; idle ones (bucket full again) are forgotten first. */
  maxPublishers?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per publisher.
 * @example
 *   const b = new PublishBudget({ bytesPerS: 262144, burstBytes: 1 << 20 });
 *   const wait = b.take("alice", dataBytes + EVENT_OVERHEAD_BYTES); // 0: go; else ms until it would fit
 */
export class PublishBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly max: number;

  constructor(private readonly o: BudgetOptions) {
    if (!(o.bytesPerS > 0 && o.burstBytes > 0)) throw new RangeError("a budget needs bytesPerS and burstBytes > 0");
    this.max = o.maxPublishers ?? 10_000;
  }

  /**
   * Charges `cost` bytes to `who` if the budget has them: 0. Otherwise nothing is charged and the
   * answer is the ms until it would have them (Infinity when `cost` is over the burst: never).
   */
  take(who: string, cost: number, now = performance.now()): number {
    let b = this.buckets.get(who);
    if (!b) {
      if (this.buckets.size >= this.max) this.forgetIdle(now);
      b = { tokens: this.o.burstBytes, at: now };
      this.buckets.set(who, b);
    }
    b.tokens = Math.min(this.o.burstBytes, b.tokens + ((now - b.at) * this.o.bytesPerS) / 1000);
    b.at = now;
    if (cost <= b.tokens) {
      b.tokens -= cost;
      return 0;
    }
    if (cost > this.o.burstBytes) return Number.POSITIVE_INFINITY;
    return Math.ceil(((cost - b.tokens) * 1000) / this.o.bytesPerS);
  }

  /** Drops publishers whose bucket has filled up again (they would start full anyway); else the oldest. */
  private forgetIdle(now: number): void {
    for (const [who, b] of this.buckets)
      if (b.tokens + ((now - b.at) * this.o.bytesPerS) / 1000 >= this.o.burstBytes) this.buckets.delete(who);
    if (this.buckets.size >= this.max) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
