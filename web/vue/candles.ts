// Candles for a chart (prices and traded size): history from /api/market/candles, then the
// current bar kept up to date from the live trades (any bar size), refetched after a resync;
// updates once per frame. Older pages on demand (a chart scrolled to its left edge). A trade
// that arrives while the history is on its way may be in its last bar already and is counted
// again in its volume (a request's time of trades, at most).
import { type MaybeRefOrGetter, onScopeDispose, type ShallowRef, shallowRef, toValue, watch } from "vue";
import type { CandleRow } from "../client/rest.ts";
import type { Trade } from "../client/types.ts";
import { useTradewire } from "./context.ts";
import { onNextFrame } from "./frame.ts";
import { trades } from "./market.ts";

/** Bar sizes the server aggregates (its names), in ms. */
export const BAR_MS: Record<string, number> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1H": 3_600_000,
  "2H": 7_200_000,
  "4H": 14_400_000,
  "6H": 21_600_000,
  "12H": 43_200_000,
  "1D": 86_400_000,
};

export interface Bar {
  /** Open time, ms since 1970. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Traded size in the bar: base currency on spot, contracts on swaps (as the exchange counts it). */
  vol: number;
}

export interface Candles {
  /** History with the live bar at the end; replaced on each (re)load. */
  bars: ShallowRef<Bar[]>;
  /** The bar the last frame changed (the chart updates just that one). */
  last: ShallowRef<Bar | null>;
  loading: ShallowRef<boolean>;
  error: ShallowRef<string | null>;
  /** Counts the loads that replaced the bars (instrument, bar size, resync); `older` does not. */
  loads: ShallowRef<number>;
  /** Whether older bars than the first may exist. */
  more: ShallowRef<boolean>;
  /** Puts the page of bars before the first in front (one request at a time); resolves with how many came. */
  older(): Promise<number>;
}

export function useCandles(
  instId: MaybeRefOrGetter<string>,
  bar: MaybeRefOrGetter<string> = "1m",
  count = 300,
): Candles {
  const tw = useTradewire();
  const store = trades(tw);
  const out: Candles = {
    bars: shallowRef([]),
    last: shallowRef(null),
    loading: shallowRef(true),
    error: shallowRef(null),
    loads: shallowRef(0),
    more: shallowRef(false),
    older: () => Promise.resolve(0),
  };
  let pending: Trade[] = [];
  let loaded = false;
  let gen = 0;
  let next: string | null = null;
  let olderRun: Promise<number> | null = null;
  const toBar = (c: CandleRow): Bar => ({
    time: c.ts,
    open: Number(c.o),
    high: Number(c.h),
    low: Number(c.l),
    close: Number(c.c),
    vol: Number(c.vol),
  });

  const apply = () => {
    if (!loaded) return;
    const ms = BAR_MS[toValue(bar)] ?? 60_000;
    const bars = out.bars.value;
    let changed: Bar | null = null;
    for (const t of pending.sort((a, b) => a.ts - b.ts)) {
      const time = Math.floor(t.ts / ms) * ms;
      const px = Number(t.px);
      const sz = Number(t.sz);
      const lastBar = bars.at(-1);
      if (lastBar && lastBar.time === time) {
        lastBar.high = Math.max(lastBar.high, px);
        lastBar.low = Math.min(lastBar.low, px);
        lastBar.close = px;
        lastBar.vol += sz;
        changed = lastBar;
      } else if (!lastBar || time > lastBar.time) {
        changed = { time, open: px, high: px, low: px, close: px, vol: sz };
        bars.push(changed);
      }
    }
    pending = [];
    if (changed) out.last.value = { ...changed };
  };
  const onTrade = (t: Trade) => {
    if (t.instId !== toValue(instId)) return;
    pending.push(t);
    onNextFrame(apply);
  };
  store.listeners.add(onTrade);

  const load = async () => {
    const my = ++gen;
    loaded = false;
    out.loading.value = true;
    try {
      const page = await tw.rest.market.candles({ instId: toValue(instId), bar: toValue(bar), limit: count });
      if (my !== gen) return;
      next = page.next;
      out.more.value = next !== null;
      out.bars.value = page.data.map(toBar).sort((a, b) => a.time - b.time);
      out.loads.value++;
      out.error.value = null;
      loaded = true;
      apply(); // trades that arrived while loading
    } catch (err) {
      if (my === gen) out.error.value = (err as Error).message;
    } finally {
      if (my === gen) out.loading.value = false;
    }
  };

  out.older = () => {
    if (olderRun) return olderRun;
    const cursor = next;
    const my = gen;
    if (!loaded || cursor === null) return Promise.resolve(0);
    olderRun = (async () => {
      try {
        const page = await tw.rest.market.candles({ instId: toValue(instId), bar: toValue(bar), limit: count, cursor });
        if (my !== gen) return 0;
        const first = out.bars.value[0]?.time ?? Number.POSITIVE_INFINITY;
        const before = page.data.map(toBar).filter((b) => b.time < first);
        next = page.next;
        out.more.value = next !== null;
        if (before.length) out.bars.value = [...before.sort((a, b) => a.time - b.time), ...out.bars.value];
        return before.length;
      } catch (err) {
        if (my === gen) out.error.value = (err as Error).message;
        return 0;
      } finally {
        olderRun = null;
      }
    })();
    return olderRun;
  };

  let release = () => {};
  const stop = watch(
    () => [toValue(instId), toValue(bar)] as const,
    ([inst]) => {
      release();
      release = store.feeds.acquire(`trades:${inst}`);
      pending = [];
      void load();
    },
    { immediate: true },
  );
  const offNotice = tw.client.onNotice((n) => {
    if (n.kind === "resync") void load();
  });
  onScopeDispose(() => {
    stop();
    release();
    offNotice();
    store.listeners.delete(onTrade);
  });
  return out;
}
