// Candles for charts: bars aggregated from the recorded trades and, for the time before the
// recording of an instrument began (a fresh install, a newly added instrument, ClickHouse off),
// the exchange's own bars, so a chart opens with its history. Recorded bars stand where they
// exist, except the recording's oldest, which it most likely began midway: the exchange's has
// the whole bar. Gaps inside the recording (tradewire was down) are not filled.
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
      if (!(err instanceof HistoryUnavailable) || !exchange) throw err;
      return this.fromExchange(q, [], err);
    }
    if (recorded.next || !exchange || !q.instId) return recorded;
    return this.fromExchange(q, recorded.data, null);
  }

  /** `rows` (recorded, newest first) followed by the exchange's bars before them. */
  private async fromExchange(
    q: HistoryQuery,
    rows: HistoryPage["data"],
    unavailable: HistoryUnavailable | null,
  ): Promise<HistoryPage> {
    const barMs = (q.barSeconds ?? 60) * 1000;
    const oldest = rows.at(-1)?.ts as number | undefined;
    const bounds = [q.to, q.before?.ts].filter((t): t is number => t !== undefined);
    // Bars that open before this (the recording's oldest included).
    const before = oldest !== undefined ? oldest + 1 : bounds.length ? Math.min(...bounds) : undefined;
    const from = q.from === undefined ? -Infinity : Math.ceil(q.from / barMs) * barMs;
    if (before !== undefined && before <= from) return { data: rows, next: null };
    let bars: Candle[];
    try {
      bars = await this.exchangeBars(q.instId!, q.barSeconds ?? 60, before, q.limit - rows.length + 1);
    } catch {
      if (unavailable) throw unavailable;
      return { data: rows, next: null }; // the recorded bars still answer
    }
    const kept = bars[0]?.ts === oldest ? rows.slice(0, -1) : rows;
    const data = [...kept, ...bars.filter((b) => b.ts >= from).map(row)].slice(0, q.limit);
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
