// What the user's fills have realized since the local day began, by settlement currency: every
// fill of the day read once (paged through GET /api/fills, again after a resync), then each live
// `fill` event; a fill seen twice counts once, and the sums start again at midnight.
import { onScopeDispose, type ShallowRef, shallowRef } from "vue";
import { collect } from "../client/paged.ts";
import type { Fill } from "../client/types.ts";
import { shared, useTradewire } from "./context.ts";
import { Feeds } from "./feed.ts";

/** The currency a fill's PnL is in: a coin-margined (USD) contract's coin, else the quote. */
export function settlementCcy(instId: string): string {
  const [base = "", quote = ""] = instId.split("-");
  return quote === "USD" ? base : quote;
}

/** Local midnight of the day `now` falls in. */
export function dayStart(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

type DayFill = Pick<Fill, "ordId" | "tradeId" | "instId" | "ts"> & { fillPnl?: string | null };

/** The day's fills by id and their sums by currency (pure: the composable feeds it). */
export class RealizedDay {
  private readonly seen = new Map<string, { ccy: string; pnl: number }>();
  since: number;

  constructor(now: number) {
    this.since = dayStart(now);
  }

  /** Forgets the day's fills (a reload follows), from the day `now` falls in. */
  reset(now: number): void {
    this.since = dayStart(now);
    this.seen.clear();
  }

  /** Takes fills in (a new day first empties it); returns whether a sum changed. */
  add(fills: readonly DayFill[], now: number): boolean {
    let changed = false;
    if (dayStart(now) !== this.since) {
      this.reset(now);
      changed = true;
    }
    for (const f of fills) {
      const key = `${f.ordId}:${f.tradeId}`;
      const pnl = Number(f.fillPnl || 0);
      if (f.ts < this.since || this.seen.has(key) || !Number.isFinite(pnl)) continue;
      this.seen.set(key, { ccy: settlementCcy(f.instId), pnl });
      if (pnl !== 0) changed = true;
    }
    return changed;
  }

  /** The non-zero sums, largest first. */
  sums(): [ccy: string, pnl: number][] {
    const by = new Map<string, number>();
    for (const { ccy, pnl } of this.seen.values()) if (pnl !== 0) by.set(ccy, (by.get(ccy) ?? 0) + pnl);
    return [...by].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  }
}

/** The day's fills read at most (twenty pages of 1,000). */
const MAX_ROWS = 20_000;

/** The realized PnL of today's fills by settlement currency (non-zero only, largest first). */
export function useRealizedToday(): ShallowRef<[string, number][]> {
  const tw = useTradewire();
  const store = shared(tw, "realized-today", (undo) => {
    const day = new RealizedDay(Date.now());
    const sums = shallowRef<[string, number][]>([]);
    const take = (fills: readonly DayFill[]) => {
      if (day.add(fills, Date.now())) sums.value = day.sums();
    };
    undo(tw.client.on("fill", (ev) => take([ev.data])));
    const load = async () => {
      day.reset(Date.now());
      const { rows } = await collect(
        (cursor) => tw.rest.history.fills({ from: String(day.since), limit: "1000", ...(cursor ? { cursor } : {}) }),
        MAX_ROWS,
      );
      day.add(rows, Date.now());
      sums.value = day.sums();
    };
    return { sums, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("fills"));
  return store.sums;
}
