// Market data composables: instrument rules, tickers, swaps' funding, order books, the trades tape and candles,
// keyed by instrument, snapshot first (REST) then live, written once per frame, released on unmount.
import {
  type ComputedRef,
  computed,
  type MaybeRefOrGetter,
  onScopeDispose,
  type ShallowRef,
  shallowReactive,
  shallowRef,
  toValue,
  watch,
} from "vue";
import { ApiRequestError } from "../client/http.ts";
import type { Instrument } from "../client/rest.ts";
import type { Book, EventDataMap, Funding, Ticker, Trade } from "../client/types.ts";
import { shared, type Tradewire, useTradewire } from "./context.ts";
import { Feeds, single } from "./feed.ts";
import { onNextFrame } from "./frame.ts";
import { KeyedState } from "./keyed.ts";

/** Holds `channel(key)` while the key is set; follows a changing key; releases on unmount. */
function hold(feeds: Feeds, key: MaybeRefOrGetter<string | undefined>, channel: (k: string) => string): void {
  let release = () => {};
  const stop = watch(
    () => toValue(key),
    (k) => {
      release();
      release = k ? feeds.acquire(channel(k)) : () => {};
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    release();
  });
}

/** How soon rules the exchange has not given yet (or a failed load) are asked for again. */
const RULES_RETRY_MS = 5_000;

function instruments(tw: Tradewire) {
  return shared(tw, "instruments", (undo) => {
    const map = shallowReactive(new Map<string, Instrument>());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      let again = true;
      try {
        const r = await tw.rest.market.instruments();
        for (const i of r.data) map.set(i.instId, i);
        again = r.pending.length > 0;
      } finally {
        if (again) timer = setTimeout(() => void load().catch(() => {}), RULES_RETRY_MS);
      }
    };
    void load().catch(() => {});
    undo(() => clearTimeout(timer));
    return map;
  });
}

/** Every instrument's trading rules (tick, lot, minimum size, contract value) by instId; they do not change. */
export function useInstruments(): Map<string, Instrument> {
  return instruments(useTradewire());
}

/** One instrument's trading rules, undefined until the exchange gave them. */
export function useInstrument(instId: MaybeRefOrGetter<string>): ComputedRef<Instrument | undefined> {
  const map = instruments(useTradewire());
  return computed(() => map.get(toValue(instId)));
}

/**
 * The latest event of a type per instrument (tickers, swaps' funding), shared: all of them over
 * REST when a channel of it is first held and after each resync, then live.
 */
function latestPerInstrument<K extends "ticker" | "funding">(
  tw: Tradewire,
  type: K,
  list: () => Promise<{ data: EventDataMap[K][] }>,
) {
  return shared(tw, type, (undo) => {
    const state = new KeyedState<EventDataMap[K]>({ key: (v) => v.instId, version: (v) => v.ts });
    undo(tw.client.on(type, (ev) => state.put(ev.data as EventDataMap[K])));
    const load = single(async () => {
      const mark = state.mark();
      state.load((await list()).data, mark);
    });
    return { state, feeds: new Feeds(tw.client, () => load) };
  });
}

const tickers = (tw: Tradewire) => latestPerInstrument(tw, "ticker", tw.rest.market.tickers);

/** Every instrument's latest ticker (a reactive Map by instId). */
export function useTickers(): Map<string, Ticker> {
  const t = tickers(useTradewire());
  hold(t.feeds, "*", () => "tickers:*");
  return t.state.map;
}

/** One instrument's latest ticker. */
export function useTicker(instId: MaybeRefOrGetter<string>): ComputedRef<Ticker | undefined> {
  const t = tickers(useTradewire());
  hold(t.feeds, instId, (i) => `tickers:${i}`);
  return computed(() => t.state.map.get(toValue(instId)));
}

const funding = (tw: Tradewire) => latestPerInstrument(tw, "funding", tw.rest.market.funding);

/** A perpetual swap's latest funding rate and when it is paid; undefined for other instruments and until the exchange said. */
export function useFunding(instId: MaybeRefOrGetter<string | undefined>): ComputedRef<Funding | undefined> {
  const f = funding(useTradewire());
  hold(f.feeds, instId, (i) => `funding:${i}`);
  return computed(() => {
    const id = toValue(instId);
    return id ? f.state.map.get(id) : undefined;
  });
}

function books(tw: Tradewire) {
  return shared(tw, "books", (undo) => {
    const state = new KeyedState<Book>({ key: (b) => b.instId, version: (b) => b.ts });
    undo(tw.client.on("book", (ev) => state.put(ev.data)));
    const load = (instId: string) => async () => {
      try {
        state.merge([await tw.rest.market.book(instId)]);
      } catch (err) {
        if (!(err instanceof ApiRequestError && err.status === 404)) throw err; // 404: no book yet
      }
    };
    return { state, feeds: new Feeds(tw.client, (ch) => load(ch.slice("books:".length))) };
  });
}

/** One instrument's order book (best levels first). */
export function useOrderBook(instId: MaybeRefOrGetter<string>): ComputedRef<Book | undefined> {
  const b = books(useTradewire());
  hold(b.feeds, instId, (i) => `books:${i}`);
  return computed(() => b.state.map.get(toValue(instId)));
}

/** Trades of one instrument, newest first, at most `limit`. */
class Tape {
  readonly list: ShallowRef<Trade[]> = shallowRef([]);
  private pending: Trade[] = [];
  private readonly flush = () => this.apply();
  constructor(private readonly limit: number) {}

  add(trades: Trade[]): void {
    this.pending.push(...trades);
    onNextFrame(this.flush);
  }

  private apply(): void {
    const seen = new Set<string>();
    const merged = [...this.pending, ...this.list.value]
      .sort((a, b) => b.ts - a.ts || Number(b.tradeId) - Number(a.tradeId))
      .filter((t) => !seen.has(t.tradeId) && seen.add(t.tradeId));
    this.pending = [];
    this.list.value = merged.slice(0, this.limit);
  }
}

const TAPE_LIMIT = 100;

export function trades(tw: Tradewire) {
  return shared(tw, "trades", (undo) => {
    const tapes = new Map<string, Tape>();
    const listeners = new Set<(t: Trade) => void>();
    const tape = (instId: string) => {
      let t = tapes.get(instId);
      if (!t) tapes.set(instId, (t = new Tape(TAPE_LIMIT)));
      return t;
    };
    undo(
      tw.client.on("trade", (ev) => {
        tapes.get(ev.data.instId)?.add([ev.data]);
        for (const l of listeners) l(ev.data);
      }),
    );
    const load = (instId: string) => async () => {
      const page = await tw.rest.market.trades({ instId, limit: TAPE_LIMIT });
      tape(instId).add(page.data.map(({ id: _id, ...t }) => t));
    };
    return { tape, listeners, feeds: new Feeds(tw.client, (ch) => load(ch.slice("trades:".length))) };
  });
}

/** The trades tape of an instrument, newest first (at most 100). */
export function useTrades(instId: MaybeRefOrGetter<string>): ComputedRef<Trade[]> {
  const t = trades(useTradewire());
  hold(t.feeds, instId, (i) => `trades:${i}`);
  return computed(() => t.tape(toValue(instId)).list.value);
}
