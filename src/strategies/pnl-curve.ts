// A running strategy's total PnL over its run, for a chart: one point per `everyMs` bucket (the
// latest value in it), a day of them at most. Kept in memory for the run (a new run starts a new
// curve); the figures themselves are what the ledger keeps.

export interface PnlPoint {
  /** The bucket's start, ms since 1970. */
  ts: number;
  total: number;
}

/** A point every 10 s: a day is 8,640 points. */
export const PNL_EVERY_MS = 10_000;
const KEEP = 8_640;

export class PnlCurve {
  private points: PnlPoint[] = [];

  constructor(
    readonly everyMs = PNL_EVERY_MS,
    private readonly keep = KEEP,
  ) {}

  /** Notes the total at `now`: a new point for a new bucket, else the bucket's point moves to it. */
  sample(now: number, total: number): void {
    if (!Number.isFinite(total)) return;
    const ts = Math.floor(now / this.everyMs) * this.everyMs;
    const last = this.points.at(-1);
    if (last && last.ts === ts) last.total = total;
    else if (!last || ts > last.ts) {
      this.points.push({ ts, total });
      if (this.points.length > this.keep) this.points.splice(0, this.points.length - this.keep);
    }
  }

  clear(): void {
    this.points = [];
  }

  /** The points from `from` on (ms since 1970), oldest first. */
  since(from = 0): PnlPoint[] {
    return this.points.filter((p) => p.ts >= from).map((p) => ({ ...p }));
  }
}
