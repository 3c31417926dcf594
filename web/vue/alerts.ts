// Price alerts (src/domain/alerts.ts), held by the service: the signed-in user's, waiting and
// fired, read once (GET /api/alerts) and again after every resync, then moved by the `alerts:<id>`
// events (set, fired, removed) written once per frame. Set and removed through the REST calls;
// a price that cannot take an alert is answered before anything is sent.
import { type ComputedRef, computed, onScopeDispose, type ShallowRef, shallowRef } from "vue";
import { alertDirection } from "../../src/domain/alerts.ts";
import { errorText } from "../client/http.ts";
import type { AlertGone, PriceAlert } from "../client/types.ts";
import { shared, type Tradewire, useTradewire } from "./context.ts";
import { Feeds, single } from "./feed.ts";
import { onNextFrame } from "./frame.ts";

const isGone = (a: PriceAlert | AlertGone): a is AlertGone => "deleted" in a;

class AlertStore {
  /** The user's alerts, oldest first. */
  readonly list: ShallowRef<PriceAlert[]> = shallowRef([]);
  private byId = new Map<string, PriceAlert>();
  /** Removed this session: an answer read before the removal does not bring one back. */
  private readonly gone = new Set<string>();
  /** Events applied so far, and the count when each alert last changed by one. */
  private applied = 0;
  private readonly changedAt = new Map<string, number>();
  private queue: Array<PriceAlert | AlertGone> = [];
  private readonly flush = () => this.apply();

  constructor(
    private readonly tw: Tradewire,
    private readonly owner: string,
  ) {}

  put(a: PriceAlert | AlertGone): void {
    if (!isGone(a) && a.owner !== this.owner) return;
    this.queue.push(a);
    onNextFrame(this.flush);
  }

  /** The user's alerts as the service holds them now; what events said while the answer was on its way is newer. */
  async load(): Promise<void> {
    const from = this.applied;
    const list = (await this.tw.rest.alerts.list({ owner: this.owner })).data;
    const next = new Map(list.filter((a) => !this.gone.has(a.id)).map((a) => [a.id, a]));
    for (const [id, at] of this.changedAt) {
      if (at <= from) continue;
      const now = this.byId.get(id);
      if (now) next.set(id, now);
      else next.delete(id);
    }
    this.byId = next;
    this.publish();
  }

  async add(
    instId: string,
    price: number,
    last: number | undefined,
    note?: string,
  ): Promise<PriceAlert | { error: string }> {
    const dir = alertDirection(price, last);
    if ("error" in dir) return dir;
    try {
      const a = await this.tw.rest.alerts.create({ instId, price, ...(note?.trim() ? { note: note.trim() } : {}) });
      this.put(a);
      return a;
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  async move(id: string, price: number): Promise<PriceAlert | { error: string }> {
    try {
      const a = await this.tw.rest.alerts.update(id, { price });
      this.put(a);
      return a;
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  async remove(id: string): Promise<{ error: string } | undefined> {
    try {
      await this.tw.rest.alerts.remove(id);
      this.put({ id, deleted: true });
      return undefined;
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  private apply(): void {
    for (const a of this.queue) {
      this.changedAt.set(a.id, ++this.applied);
      if (isGone(a)) {
        this.gone.add(a.id);
        this.byId.delete(a.id);
      } else if (!this.gone.has(a.id)) this.byId.set(a.id, a);
    }
    this.queue = [];
    this.publish();
  }

  private publish(): void {
    this.list.value = [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  }
}

export interface Alerts {
  /** The user's alerts, waiting and fired, oldest first. */
  list: ShallowRef<PriceAlert[]>;
  /** Those still waiting. */
  waiting: ComputedRef<PriceAlert[]>;
  /** Those that fired and are not dismissed. */
  fired: ComputedRef<PriceAlert[]>;
  /** Sets one at `price` from where the last price stands (with the user's note); the alert, or why not. */
  add(instId: string, price: number, last: number | undefined, note?: string): Promise<PriceAlert | { error: string }>;
  /** Moves a waiting one to `price` (where it fires from is worked out again); the alert, or why not. */
  move(id: string, price: number): Promise<PriceAlert | { error: string }>;
  /** Removes (dismisses) one; why not, if it could not. */
  remove(id: string): Promise<{ error: string } | undefined>;
}

/** The signed-in user's price alerts, kept live while the caller's scope lives. */
export function useAlerts(): Alerts {
  const tw = useTradewire();
  const store = shared(tw, "alerts", (undo) => {
    const s = new AlertStore(tw, tw.session.state.user?.name ?? "");
    undo(tw.client.on("alert", (ev) => s.put(ev.data)));
    const load = single(() => s.load());
    const alerts: Alerts = {
      list: s.list,
      waiting: computed(() => s.list.value.filter((a) => a.firedAt === null)),
      fired: computed(() => s.list.value.filter((a) => a.firedAt !== null)),
      add: (instId, price, last, note) => s.add(instId, price, last, note),
      move: (id, price) => s.move(id, price),
      remove: (id) => s.remove(id),
    };
    return { alerts, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("alerts"));
  return store.alerts;
}
