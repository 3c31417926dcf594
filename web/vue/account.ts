// Account composables: open orders, positions, balances, fills and closed orders, snapshot first
// (REST) then live, written once per frame. For a viewer they stay empty (the channels are private).
import { type ComputedRef, computed, onScopeDispose, type ShallowRef, shallowRef } from "vue";
import type { OrderRow } from "../client/rest.ts";
import type { Account, Balance, Fill, Order, Position } from "../client/types.ts";
import { shared, type Tradewire, useTradewire } from "./context.ts";
import { Feeds, single } from "./feed.ts";
import { onNextFrame } from "./frame.ts";
import { KeyedState } from "./keyed.ts";

const CLOSED = new Set(["filled", "canceled", "mmp_canceled", "rejected"]);

function keyedStore<T>(
  tw: Tradewire,
  name: string,
  o: ConstructorParameters<typeof KeyedState<T>>[0],
  type: "order" | "position" | "balance",
  fetchAll: () => Promise<T[]>,
) {
  return shared(tw, name, (undo) => {
    const state = new KeyedState<T>(o);
    undo(tw.client.on(type, (ev) => state.put(ev.data as T)));
    const load = single(async () => {
      const mark = state.mark();
      state.load(await fetchAll(), mark);
    });
    const feeds = new Feeds(tw.client, () => load);
    return { state, feeds };
  });
}

function held<T>(store: { state: KeyedState<T>; feeds: Feeds }, channel: string): Map<string, T> {
  onScopeDispose(store.feeds.acquire(channel));
  return store.state.map;
}

/** Open orders by ordId (closed ones leave as their final update arrives). */
export function useOrders(): { orders: Map<string, Order>; list: ComputedRef<Order[]> } {
  const tw = useTradewire();
  const store = keyedStore<Order>(
    tw,
    "orders",
    { key: (o) => o.ordId, version: (o) => o.uTime, gone: (o) => CLOSED.has(o.state) },
    "order",
    async () => (await tw.rest.orders.open()).data,
  );
  const orders = held(store, "orders");
  return { orders, list: computed(() => [...orders.values()].sort((a, b) => b.cTime - a.cTime)) };
}

/** Open positions by `instId:posSide`. */
export function usePositions(): { positions: Map<string, Position>; list: ComputedRef<Position[]> } {
  const tw = useTradewire();
  const store = keyedStore<Position>(
    tw,
    "positions",
    { key: (p) => `${p.instId}:${p.posSide || "net"}`, version: (p) => p.uTime, gone: (p) => Number(p.pos) === 0 },
    "position",
    async () => (await tw.rest.account.positions()).data,
  );
  const positions = held(store, "positions");
  return { positions, list: computed(() => [...positions.values()].sort((a, b) => a.instId.localeCompare(b.instId))) };
}

/** Balances by currency. */
export function useBalances(): { balances: Map<string, Balance>; list: ComputedRef<Balance[]> } {
  const tw = useTradewire();
  const store = keyedStore<Balance>(
    tw,
    "balances",
    { key: (b) => b.ccy, version: (b) => b.uTime },
    "balance",
    async () => (await tw.rest.account.balances()).data,
  );
  const balances = held(store, "balances");
  return {
    balances,
    list: computed(() =>
      [...balances.values()].sort((a, b) => Number(b.eq) - Number(a.eq) || a.ccy.localeCompare(b.ccy)),
    ),
  };
}

/** The account's totals (equity, unrealized PnL, margins), REST first then live, written once per frame; null until read. */
export function useAccount(): ShallowRef<Account | null> {
  const tw = useTradewire();
  const store = shared(tw, "account", (undo) => {
    const state = shallowRef<Account | null>(null);
    let pending: Account | null = null;
    const apply = () => {
      // The newer wins by its own time: the snapshot and live updates may cross.
      if (pending && (!state.value || pending.uTime >= state.value.uTime)) state.value = pending;
      pending = null;
    };
    const take = (a: Account | null) => {
      if (a && (!pending || a.uTime >= pending.uTime)) pending = a;
      onNextFrame(apply);
    };
    undo(tw.client.on("account", (ev) => take(ev.data)));
    const load = single(async () => take((await tw.rest.account.summary()).account));
    return { state, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("account"));
  return store.state;
}

/**
 * A newest-first list of at most `limit` items, one per key (the newest wins), that takes items
 * from history and from the stream in any order and is written once per frame.
 */
function newestFirst<T>(key: (v: T) => string, time: (v: T) => number, limit: number) {
  const list = shallowRef<T[]>([]);
  let pending: T[] = [];
  const apply = () => {
    const seen = new Set<string>();
    list.value = [...pending, ...list.value]
      .sort((a, b) => time(b) - time(a))
      .filter((v) => !seen.has(key(v)) && seen.add(key(v)))
      .slice(0, limit);
    pending = [];
  };
  const add = (vs: T[]) => {
    pending.push(...vs);
    onNextFrame(apply);
  };
  return { list, add };
}

const FILLS_LIMIT = 100;

/** The latest fills, newest first (history from ClickHouse, then live). */
export function useFills(): ShallowRef<Fill[]> {
  const tw = useTradewire();
  const store = shared(tw, "fills", (undo) => {
    const { list, add } = newestFirst<Fill>(
      (f) => `${f.ordId}:${f.tradeId}`,
      (f) => f.ts,
      FILLS_LIMIT,
    );
    undo(tw.client.on("fill", (ev) => add([ev.data])));
    const load = async () =>
      add(
        // A recorded fill without a fee or a PnL (null) shows none.
        (await tw.rest.history.fills({ limit: FILLS_LIMIT })).data.map(({ id: _id, fee, fillPnl, ...f }) => ({
          ...f,
          fee: fee ?? "",
          fillPnl: fillPnl ?? "",
        })),
      );
    return { list, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("fills"));
  return store.list;
}

/** A closed order as the order history shows it: its final state. */
export type ClosedOrder = Pick<
  Order,
  "ordId" | "clOrdId" | "instId" | "side" | "ordType" | "px" | "sz" | "accFillSz" | "avgPx" | "state" | "uTime"
>;

const CLOSED_LIMIT = 50;
/** Recorded state changes read to find the latest closed orders (an order has a few). */
const CLOSED_SCAN = 500;

/** The latest closed orders (filled, canceled, rejected), newest first: their final states from history, then live. */
export function useOrderHistory(): ShallowRef<ClosedOrder[]> {
  const tw = useTradewire();
  const store = shared(tw, "order-history", (undo) => {
    const { list, add: take } = newestFirst<ClosedOrder>(
      (o) => o.ordId,
      (o) => o.uTime,
      CLOSED_LIMIT,
    );
    const add = (os: ClosedOrder[]) => take(os.filter((o) => CLOSED.has(o.state)));
    undo(tw.client.on("order", (ev) => add([ev.data])));
    const load = async () => add((await tw.rest.history.orders({ limit: CLOSED_SCAN })).data.map(closedOf));
    return { list, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("orders"));
  return store.list;
}

/** A recorded order state change as the order history shows it. */
function closedOf(r: OrderRow): ClosedOrder {
  return {
    ordId: r.ordId,
    clOrdId: r.clOrdId,
    instId: r.instId,
    side: r.side,
    ordType: r.ordType,
    px: r.px ?? "",
    sz: r.sz,
    accFillSz: r.accFillSz,
    avgPx: r.avgPx ?? "",
    state: r.state as Order["state"],
    uTime: r.uTime,
  };
}

/**
 * A page of closed orders older than those shown, of one instrument or all, newest first: the
 * first page from `before` (ms, exclusive), the next ones from the `next` cursor it gave (null: none older).
 */
export async function olderClosedOrders(
  tw: Tradewire,
  from: { before: number } | { cursor: string },
  instId?: string,
): Promise<{ orders: ClosedOrder[]; next: string | null }> {
  const page = await tw.rest.history.orders({
    limit: CLOSED_SCAN,
    ...("cursor" in from ? { cursor: from.cursor } : { to: from.before }),
    ...(instId ? { instId } : {}),
  });
  return { orders: page.data.filter((r) => CLOSED.has(r.state as Order["state"])).map(closedOf), next: page.next };
}
