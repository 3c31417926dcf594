// Candles for charts: bars aggregated from the recorded trades and, where the recording has none
// (before it began: a fresh install, a newly added instrument, ClickHouse off; the minutes
// tradewire was down), the exchange's own bars, so a chart opens with its history and has no
// holes. Recorded bars stand where they exist, except those the recording most likely caught
// only part of (either side of a hole, its first): the exchange's has the whole bar.
import type { Candle } from "../domain/events.ts";
import { type History, HistoryUnavailable } from "../store/clickhouse/index.ts";
import type { HistoryPage, HistoryQuery } from "../store/clickhouse/protocol.ts";

export interface ExchangeCandles {
  /** Up to `limit` bars that open before `before` (unset: the newest), newest first. */
  candles(q: { instId: string; barSeconds: number; before?: number; limit: number }): Promise<Candle[]>;
}

/** How long the exchange's bars are reused: bars that ended do not change; an open one does. */
const CACHE_MS = { ended: 300_000, open: 2_000 };
const CACHE_ENTRIES = 256;

export interface CandleHistoryDeps {
  history: Pick<History, "query">;
  /** Absent: recorded bars only. */
  exchange?: ExchangeCandles;
  /** When this run began recording (ms): the bar it fell in was recorded only from then. */
  since?: number;
  now?: () => number;
}

export class CandleHistory {
  private readonly cache = new Map<string, { until: number; bars: Promise<Candle[]> }>();
  private readonly now: () => number;

  constructor(private readonly d: CandleHistoryDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * A page of bars, newest first, as History.query answers for `kind: "candles"`. Rejects with
   * HistoryUnavailable only when neither ClickHouse nor the exchange can answer.
   */
  async query(q: HistoryQuery): Promise<HistoryPage> {
    const exchange = this.d.exchange;
    let recorded: HistoryPage;
    try {
      recorded = await this.d.history.query(q);
    } catch (err) {
      if (!(err instanceof HistoryUnavailable) || !exchange || !q.instId) throw err;
      return this.withExchange(q, { data: [], next: null }, new Set(), err);
    }
    if (!exchange || !q.instId) return recorded;
    const barMs = (q.barSeconds ?? 60) * 1000;
    const upper = upperBound(q);
    // The newest bar the page may hold: the one open now, or the last before its end.
    const top = Math.floor((upper === undefined ? this.now() : upper - 1) / barMs) * barMs;
    const holes = incomplete(recorded, barMs, this.d.since, top);
    if (recorded.next && holes.size === 0) return recorded; // a whole page, no hole: all tradewire's own
    return this.withExchange(q, recorded, holes, null);
  }

  /**
   * The newest `limit` bars of the recorded ones (but those in `holes`) and the exchange's, up to
   * the query's end (the present when it has none).
   */
  private async withExchange(
    q: HistoryQuery,
    recorded: HistoryPage,
    holes: Set<number>,
    unavailable: HistoryUnavailable | null,
  ): Promise<HistoryPage> {
    const barMs = (q.barSeconds ?? 60) * 1000;
    const from = q.from === undefined ? -Infinity : Math.ceil(q.from / barMs) * barMs;
    let bars: Candle[];
    try {
      bars = await this.exchangeBars(q.instId!, q.barSeconds ?? 60, upperBound(q), q.limit);
    } catch {
      if (unavailable) throw unavailable;
      return recorded; // the recorded bars still answer
    }
    const byTs = new Map<number, HistoryPage["data"][number]>();
    for (const b of bars) if (b.ts >= from) byTs.set(b.ts, row(b));
    for (const r of recorded.data) if (!holes.has(r.ts as number)) byTs.set(r.ts as number, r);
    const data = [...byTs.entries()]
      .sort((a, b) => b[0] - a[0])
      .slice(0, q.limit)
      .map(([, r]) => r);
    const last = data.at(-1);
    return { data, next: data.length === q.limit && last ? { ts: last.ts as number, id: "" } : null };
  }

  private exchangeBars(instId: string, barSeconds: number, before: number | undefined, limit: number) {
    const key = `${instId}|${barSeconds}|${before ?? "newest"}|${limit}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.bars;
    const bars = this.d.exchange!.candles({ instId, barSeconds, limit, ...(before !== undefined ? { before } : {}) });
    const entry = { until: now + CACHE_MS.open, bars };
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    bars.then(
      (b) => {
        if (before !== undefined && b.every((bar) => bar.confirmed)) entry.until = this.now() + CACHE_MS.ended;
      },
      () => this.cache.get(key) === entry && this.cache.delete(key),
    );
    return bars;
  }
}

/** Where the query's bars end (they open before it): its `to` or cursor, none for the present. */
function upperBound(q: HistoryQuery): number | undefined {
  const bounds = [q.to, q.before?.ts].filter((t): t is number => t !== undefined);
  return bounds.length ? Math.min(...bounds) : undefined;
}

/**
 * Recorded bars that most likely miss part of their trades: both sides of a hole in the recording
 * (tradewire stopped during one and started during the other), the newest when the recording
 * stops before the page's `top` (the newest bar it may hold), the oldest of a page that ends (the
 * recording began during it), and the one this run started in (a restart within a bar leaves no
 * hole to see). A quiet minute without trades looks like a hole too; the exchange's bar for it is
 * as right.
 */
function incomplete(page: HistoryPage, barMs: number, since: number | undefined, top: number): Set<number> {
  const out = new Set<number>();
  const ts = page.data.map((r) => r.ts as number);
  if (!ts.length) return out;
  for (let i = 1; i < ts.length; i++) {
    if (ts[i - 1]! - ts[i]! > barMs) out.add(ts[i - 1]!).add(ts[i]!);
  }
  if (ts[0]! < top) out.add(ts[0]!);
  if (!page.next) out.add(ts.at(-1)!);
  if (since !== undefined) {
    const start = Math.floor(since / barMs) * barMs;
    if (ts.includes(start)) out.add(start);
  }
  return out;
}

/** An exchange bar as a candles row; OKX does not count a bar's trades. */
function row(b: Candle): HistoryPage["data"][number] {
  return {
    instId: b.instId,
    ts: b.ts,
    o: b.o,
    h: b.h,
    l: b.l,
    c: b.c,
    vol: b.vol,
    volCcy: b.volCcy,
    trades: null,
    confirmed: b.confirmed,
  };
}
