// Candles: one-minute bars kept per instrument (with generated history so charts start full),
// aggregated on demand into the OKX bar sizes (1m..1W; D and W aligned to UTC+8 unless "utc").
import type { CandleRow } from "../okx/types.ts";
import { fmt } from "./num.ts";
import type { Rng } from "./rng.ts";

interface Bar {
  ts: number;
  o: number;
  h: number;
  l: number;
  c: number;
  /** Volume in base currency and in quote currency. */
  base: number;
  quote: number;
}

const MINUTE = 60_000;
const HISTORY = 1440;
const UNIT: Record<string, number> = { m: MINUTE, H: 60 * MINUTE, D: 1440 * MINUTE, W: 7 * 1440 * MINUTE };

/** Duration and alignment offset of a bar name such as "1m", "4H", "1Dutc"; undefined if unsupported. */
export function parseBar(bar: string): { ms: number; offset: number } | undefined {
  const m = /^(\d+)([mHDW])(utc)?$/.exec(bar);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!;
  if (n <= 0 || (m[3] && unit === "m")) return undefined;
  const ms = n * UNIT[unit]!;
  // OKX aligns day and week bars to Hong Kong time unless the name ends in "utc".
  const hk = !m[3] && (unit === "D" || unit === "W" || (unit === "H" && n >= 6)) ? 8 * 60 * MINUTE : 0;
  // Weeks start on Monday; 1970-01-01 was a Thursday.
  const week = unit === "W" ? 4 * 1440 * MINUTE : 0;
  return { ms, offset: hk - week };
}

export function bucket(ts: number, ms: number, offset: number): number {
  return Math.floor((ts + offset) / ms) * ms - offset;
}

export class CandleSeries {
  private bars: Bar[] = [];

  /**
   * History of HISTORY minutes that ends at `px` at `now`, drawn backwards as the live walk moves
   * forwards: `sigma` a minute, pulled back toward `px` by the share `reversion` a minute (so the
   * history ranges where the live market does, and a restart's history meets the bars recorded
   * before it).
   */
  constructor(px: number, now: number, rng: Rng, walk: { sigma: number; reversion: number; baseVolPerMin: number }) {
    const { sigma, reversion, baseVolPerMin } = walk;
    const start = bucket(now, MINUTE, 0) - HISTORY * MINUTE;
    let p = px;
    const closes: number[] = [];
    for (let i = 0; i < HISTORY; i++) {
      closes.push(p);
      p = Math.max(px * 0.2, p * (1 - sigma * rng.normal()));
      p += (px - p) * reversion;
    }
    closes.reverse();
    let prev = closes[0]!;
    for (let i = 0; i < HISTORY; i++) {
      const c = closes[i]!;
      const spread = Math.abs(rng.normal()) * sigma * c * 0.5;
      const vol = baseVolPerMin * (0.3 + rng.next() * 1.4);
      this.bars.push({
        ts: start + i * MINUTE,
        o: prev,
        h: Math.max(prev, c) + spread,
        l: Math.min(prev, c) - spread,
        c,
        base: vol,
        quote: vol * c,
      });
      prev = c;
    }
  }

  /** A trade (or the walk's price without size) at `ts`. */
  update(px: number, base: number, ts: number): void {
    const t = bucket(ts, MINUTE, 0);
    let bar = this.bars[this.bars.length - 1];
    if (!bar || bar.ts < t) {
      const o = bar?.c ?? px;
      bar = { ts: t, o, h: Math.max(o, px), l: Math.min(o, px), c: px, base: 0, quote: 0 };
      this.bars.push(bar);
      if (this.bars.length > HISTORY * 2) this.bars.splice(0, this.bars.length - HISTORY);
    }
    bar.h = Math.max(bar.h, px);
    bar.l = Math.min(bar.l, px);
    bar.c = px;
    bar.base += base;
    bar.quote += base * px;
  }

  /**
   * Rows newest first, as REST /market/candles answers; `after`/`before` are open-time cursors
   * (older than / newer than). The newest row has confirm "0" if its bar is still open at `now`.
   */
  rows(
    bar: string,
    now: number,
    opts: { limit?: number; after?: number; before?: number; ctVal?: number; pxDec?: number } = {},
  ): CandleRow[] {
    const spec = parseBar(bar);
    if (!spec) return [];
    const agg: Bar[] = [];
    for (const b of this.bars) {
      const t = bucket(b.ts, spec.ms, spec.offset);
      const last = agg[agg.length - 1];
      if (last && last.ts === t) {
        last.h = Math.max(last.h, b.h);
        last.l = Math.min(last.l, b.l);
        last.c = b.c;
        last.base += b.base;
        last.quote += b.quote;
      } else agg.push({ ...b, ts: t });
    }
    const ctVal = opts.ctVal ?? 1;
    const dp = opts.pxDec ?? 8;
    const openBar = bucket(now, spec.ms, spec.offset);
    const out: CandleRow[] = [];
    for (let i = agg.length - 1; i >= 0 && out.length < Math.min(opts.limit ?? 100, 300); i--) {
      const b = agg[i]!;
      if (opts.after !== undefined && b.ts >= opts.after) continue;
      if (opts.before !== undefined && b.ts <= opts.before) continue;
      const vol = ctVal === 1 ? fmt(b.base) : fmt(b.base / ctVal, 2);
      const volCcy = ctVal === 1 ? fmt(b.quote, 4) : fmt(b.base);
      out.push([
        String(b.ts),
        fmt(b.o, dp),
        fmt(b.h, dp),
        fmt(b.l, dp),
        fmt(b.c, dp),
        vol,
        volCcy,
        fmt(b.quote, 4),
        b.ts >= openBar ? "0" : "1",
      ]);
    }
    return out;
  }
}
