// Strategy composables: the strategies (list and one by id) and their kinds, snapshot first (REST)
// then live from `strategy:<id>` (state, figures, log lines), written once per frame. Events that
// say less than the REST view (a new strategy, changed params) fetch that one strategy again.
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
import type { StrategyKind, StrategyView } from "../client/rest.ts";
import type { EngineStrategyStatus, LogLine, StrategyEvent, StrategyFigures, StrategyStatus } from "../client/types.ts";
import { shared, type Tradewire, useTradewire } from "./context.ts";
import { Feeds } from "./feed.ts";
import { onNextFrame } from "./frame.ts";

/** Log lines kept per strategy (the server keeps its last 100; live ones are added). */
const LOG_LINES = 300;
const STATES = new Set(["stopped", "starting", "running", "stopping", "error"]);

const isDeleted = (d: StrategyEvent): d is { id: string; deleted: true } => "deleted" in d && d.deleted === true;
const isBuiltIn = (d: StrategyEvent): d is StrategyStatus => "figures" in d && "log" in d;

/** A built-in strategy's figures (positions, PnL, open orders, counters); null for an external one. */
export function figuresOf(v: StrategyView): StrategyFigures | null {
  return v.kind !== "external" && "pnl" in v.figures ? (v.figures as unknown as StrategyFigures) : null;
}

/** The engine an external strategy runs on (null for a built-in one). */
export const engineOf = (v: StrategyView): string | null =>
  v.kind === "external" && typeof v.figures.engineId === "string" ? v.figures.engineId : null;

class StrategyStore {
  readonly map = shallowReactive(new Map<string, StrategyView>());
  private readonly logs = new Map<string, ShallowRef<LogLine[]>>();
  private queue: StrategyEvent[] = [];
  private readonly fetching = new Set<string>();
  private readonly flush = () => this.apply();

  constructor(private readonly tw: Tradewire) {}

  logsOf(id: string): ShallowRef<LogLine[]> {
    let l = this.logs.get(id);
    if (!l) this.logs.set(id, (l = shallowRef([])));
    return l;
  }

  put(d: StrategyEvent): void {
    this.queue.push(d);
    onNextFrame(this.flush);
  }

  /** Takes a REST view (newer wins by updatedAt); `withLogs` replaces the log with the view's. */
  take(v: StrategyView, withLogs: boolean): void {
    const had = this.map.get(v.id);
    if (!had || v.updatedAt >= had.updatedAt) this.map.set(v.id, v);
    if (withLogs) this.logsOf(v.id).value = v.logs.slice(-LOG_LINES);
  }

  async loadAll(): Promise<void> {
    const list = (await this.tw.rest.strategies.list()).data;
    const ids = new Set(list.map((v) => v.id));
    for (const v of list) this.take(v, !this.logs.has(v.id));
    for (const id of [...this.map.keys()]) if (!ids.has(id)) this.map.delete(id);
  }

  async loadOne(id: string): Promise<void> {
    try {
      this.take(await this.tw.rest.strategies.get(id), true);
    } catch (err) {
      if (!(err instanceof ApiRequestError && err.status === 404)) throw err;
      this.map.delete(id);
    }
  }

  /** One fetch at a time per strategy. */
  private refetch(id: string): void {
    if (this.fetching.has(id)) return;
    this.fetching.add(id);
    void this.loadOne(id)
      .catch(() => {})
      .finally(() => this.fetching.delete(id));
  }

  private apply(): void {
    const q = this.queue;
    this.queue = [];
    for (const d of q) {
      if (isDeleted(d)) {
        this.map.delete(d.id);
        continue;
      }
      const v = this.map.get(d.id);
      if (isBuiltIn(d)) {
        if (d.log.length) this.logsOf(d.id).value = [...this.logsOf(d.id).value, ...d.log].slice(-LOG_LINES);
        // Params, instruments and limits are not in the event: a change of the record means fetch it.
        if (!v || d.updatedAt > v.updatedAt) this.refetch(d.id);
        if (v)
          this.map.set(d.id, {
            ...v,
            name: d.name,
            state: d.state,
            reason: d.reason,
            figures: d.figures as unknown as StrategyView["figures"],
          });
      } else if (v) this.map.set(d.id, external(v, d));
      else this.refetch(d.id);
    }
  }
}

/** An engine's report merged into its strategy's view: its state, and its figures beside the engine's. */
function external(v: StrategyView, d: EngineStrategyStatus): StrategyView {
  const { id: _id, state, ...figures } = d;
  return {
    ...v,
    ...(typeof state === "string" && STATES.has(state) ? { state: state as StrategyView["state"] } : {}),
    figures: { ...v.figures, ...(figures as StrategyView["figures"]) },
  };
}

function store(tw: Tradewire) {
  return shared(tw, "strategies", (undo) => {
    const s = new StrategyStore(tw);
    undo(tw.client.on("strategy", (ev) => s.put(ev.data)));
    const feeds = new Feeds(tw.client, (ch) =>
      ch === "strategy:*" ? () => s.loadAll() : () => s.loadOne(ch.slice("strategy:".length)),
    );
    return { s, feeds };
  });
}

/**
 * Every strategy this user may see, live (state, figures), oldest first.
 * @example const { list } = useStrategies(); // list.value[0].state
 */
export function useStrategies(): { strategies: Map<string, StrategyView>; list: ComputedRef<StrategyView[]> } {
  const { s, feeds } = store(useTradewire());
  onScopeDispose(feeds.acquire("strategy:*"));
  return {
    strategies: s.map,
    list: computed(() => [...s.map.values()].sort((a, b) => a.createdAt - b.createdAt)),
  };
}

/**
 * One strategy live: its view (state, reason, params, figures: PnL, positions, open orders,
 * counters) and its log lines, following a changing id.
 * @example const { strategy, logs } = useStrategy(() => route.id);
 */
export function useStrategy(id: MaybeRefOrGetter<string | undefined>): {
  strategy: ComputedRef<StrategyView | undefined>;
  logs: ComputedRef<LogLine[]>;
} {
  const { s, feeds } = store(useTradewire());
  let release = () => {};
  const stop = watch(
    () => toValue(id),
    (k) => {
      release();
      release = k ? feeds.acquire(`strategy:${k}`) : () => {};
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    release();
  });
  return {
    strategy: computed(() => {
      const k = toValue(id);
      return k ? s.map.get(k) : undefined;
    }),
    logs: computed(() => {
      const k = toValue(id);
      return k ? s.logsOf(k).value : [];
    }),
  };
}

/** The strategy kinds with their params as JSON Schema (loaded once). */
export function useStrategyKinds(): ShallowRef<StrategyKind[]> {
  const tw = useTradewire();
  return shared(tw, "strategy-kinds", () => {
    const kinds = shallowRef<StrategyKind[]>([]);
    void tw.rest.strategies
      .kinds()
      .then((r) => (kinds.value = r.data))
      .catch(() => {});
    return kinds;
  });
}

/** Puts a view the caller got from a REST call (create, change, start, stop) into the shared state at once. */
export function useStrategyWrites(): (v: StrategyView) => void {
  const { s } = store(useTradewire());
  return (v) => s.take(v, false);
}
