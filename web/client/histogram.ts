// A latency histogram with logarithmic buckets: constant memory, any number of samples, and
// percentiles to within one bucket (~19% wide), cheap enough to record every event.

export interface HistogramSnapshot {
  count: number;
  /** Percentiles and max in the recorded unit (ms here); null before the first sample. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  /** Non-empty buckets: `le` is the bucket's upper bound, `n` its count. */
  buckets: Array<{ le: number; n: number }>;
}

export interface HistogramOptions {
  /** Upper bound of the first bucket (everything at or below it, negatives included). */
  lowest: number;
  /** Each bucket's bound is this times the previous one. */
  ratio: number;
  buckets: number;
}

/** 0.01 ms .. ~168 s in quarter-octave buckets. */
export const LATENCY_BUCKETS: HistogramOptions = { lowest: 0.01, ratio: 2 ** 0.25, buckets: 97 };

export class LogHistogram {
  private readonly counts: Uint32Array;
  private readonly logLowest: number;
  private readonly logRatio: number;
  count = 0;
  sum = 0;
  max = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: HistogramOptions = LATENCY_BUCKETS) {
    this.counts = new Uint32Array(o.buckets);
    this.logLowest = Math.log(o.lowest);
    this.logRatio = Math.log(o.ratio);
  }

  /** The upper bound of bucket i. */
  bound(i: number): number {
    return this.o.lowest * this.o.ratio ** i;
  }

  record(v: number): void {
    if (!Number.isFinite(v)) return;
    let i = v <= this.o.lowest ? 0 : Math.ceil((Math.log(v) - this.logLowest) / this.logRatio - 1e-9);
    if (i >= this.o.buckets) i = this.o.buckets - 1;
    this.counts[i]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** The value at or below which a share q (0..1] of the samples lie: its bucket's bound, at most the max. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.bound(i), this.max);
    }
    return this.max;
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<{ le: number; n: number }> = [];
    this.counts.forEach((n, i) => {
      if (n > 0) buckets.push({ le: this.bound(i), n });
    });
    const empty = this.count === 0;
    return {
      count: this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: empty ? null : this.max,
      mean: empty ? null : this.sum / this.count,
      buckets,
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = Number.NEGATIVE_INFINITY;
  }
}
