// What happens to the trader's orders, told on whatever page they are on: a fill (one toast per
// order, its fills added up while it shows, with what a swap's closing fills realized), a cancel,
// a rejection; a strategy's fills one toast
// per strategy (its cancels are routine and not told), and one of the user's strategies stopping
// or failing without them (the kill switch, its own end, an error, someone else); and the user's
// price alerts as they fire.
// Only news: snapshots are not told, and an event seen twice (a resumed stream) is told once.
// What was told stays in a history (the newest 50, each with when) for the Activity menu: a toast
// goes after a few seconds, what it said does not.
import { type ShallowRef, shallowRef } from "vue";
import { strategyOfOrder } from "../client/index.ts";
import type { Fill, Order, StrategyStatus } from "../client/types.ts";
import type { BrowserAlert } from "./alerts.ts";
import { type Digits, fmtPx, fmtRealized, fmtSz } from "./format.ts";

export interface Toast {
  /** One per order (fills), order state, or strategy: a newer event updates it in place. */
  key: string;
  tone: "buy" | "sell" | "info" | "error" | "alert";
  title: string;
  text: string;
  /** Shown until (ms since 1970). */
  until: number;
  /** A strategy's page, for its toast. */
  href?: string;
}

/** How long a toast shows; a rejection and a price alert longer. */
export const SHOW_MS = { told: 6_000, error: 12_000, alert: 12_000 };
/** Toasts on screen at most; the oldest leave first. */
const MAX_SHOWN = 4;
/** Events remembered to tell each once. */
const SEEN_MAX = 1_000;
/** What was told, kept for the Activity menu. */
const HISTORY_MAX = 50;

/** A toast as the history keeps it: when it was last told. */
export interface Told extends Toast {
  at: number;
}

interface Sum {
  side: Fill["side"];
  instId: string;
  sz: number;
  value: number;
  /** What the fills realized (a swap's closing fills). */
  pnl: number;
  n: number;
}

export class Notices {
  readonly list: ShallowRef<Toast[]> = shallowRef([]);
  /** Everything told, newest first (a toast of the same key is one entry, moved up with its new text). */
  readonly history: ShallowRef<Told[]> = shallowRef([]);
  /** Told since the history was last looked at. */
  readonly unread: ShallowRef<number> = shallowRef(0);
  private readonly sums = new Map<string, Sum>();
  private readonly seen = new Set<string>();
  /** Strategies' names by id, as told (a toast shows the id until it knows the name). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly digits: (instId: string) => Digits | undefined = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  fill(f: Fill): void {
    if (this.once(`fill:${f.ordId}:${f.tradeId}`)) return;
    const strategy = strategyOfOrder(f.clOrdId);
    const key = strategy ? `strategy:${strategy}` : `fill:${f.ordId}`;
    const shown = this.list.value.some((t) => t.key === key);
    const sum = (shown && this.sums.get(key)) || { side: f.side, instId: f.instId, sz: 0, value: 0, pnl: 0, n: 0 };
    sum.sz += Number(f.fillSz);
    sum.value += Number(f.fillSz) * Number(f.fillPx);
    sum.pnl += Number(f.fillPnl || 0) || 0;
    sum.n += 1;
    this.sums.set(key, sum);
    const d = this.digits(f.instId);
    const at = `${f.instId} at ${fmtPx(f.fillPx, d?.px)}`;
    if (strategy) {
      const last = `${f.side} ${fmtSz(f.fillSz, d?.sz)} ${at}`;
      this.show({
        key,
        tone: "info",
        title: this.strategyTitle(strategy),
        text: sum.n === 1 ? `filled: ${last}` : `${sum.n} fills, the last ${last}`,
        until: this.now() + SHOW_MS.told,
        href: `/strategies/${strategy}`,
      });
      return;
    }
    const avg = sum.n > 1 ? `${f.instId} at ${fmtPx(sum.value / sum.sz, d?.px)} on average, ${sum.n} fills` : at;
    const pnl = fmtRealized(String(sum.pnl));
    this.show({
      key,
      tone: f.side,
      title: f.side === "buy" ? "Bought" : "Sold",
      text: `${fmtSz(sum.sz, d?.sz)} ${avg}${pnl && `, PnL ${pnl}`}`,
      until: this.now() + SHOW_MS.told,
    });
  }

  order(o: Order): void {
    const canceled = o.state === "canceled" || o.state === "mmp_canceled";
    if ((!canceled && o.state !== "rejected") || strategyOfOrder(o.clOrdId)) return;
    if (this.once(`order:${o.ordId}:${o.state}`)) return;
    const d = this.digits(o.instId);
    const price = o.ordType === "market" || !o.px ? "at market" : `at ${fmtPx(o.px, d?.px)}`;
    const filled = Number(o.accFillSz) > 0 ? `, ${fmtSz(o.accFillSz, d?.sz)} filled` : "";
    this.show({
      key: `order:${o.ordId}`,
      tone: canceled ? "info" : "error",
      title: canceled ? "Canceled" : "Rejected",
      text: `${o.side} ${fmtSz(o.sz, d?.sz)} ${o.instId} ${price}${filled}`,
      until: this.now() + (canceled ? SHOW_MS.told : SHOW_MS.error),
    });
  }

  /** A price alert that fired: where the price went, and the last price that reached it. */
  alert(a: BrowserAlert, last: number | string): void {
    const d = this.digits(a.instId);
    this.show({
      key: `alert:${a.id}`,
      tone: "alert",
      title: "Price alert",
      text: `${a.instId} ${a.up ? "rose" : "fell"} to ${fmtPx(a.price, d?.px)} (last ${fmtPx(last, d?.px)})`,
      until: this.now() + SHOW_MS.alert,
    });
  }

  /**
   * A strategy of the user's that went to `stopped` or `error` (from `was`), unless the user
   * stopped it themselves: what stopped it, linked to its page; an error shows longer.
   */
  strategyState(s: StrategyStatus, was: string, user: string): void {
    if (s.state === was || (s.state !== "stopped" && s.state !== "error")) return;
    if (s.state === "stopped" && (was === "error" || s.reason === `stopped by ${user}`)) return;
    this.names.set(s.id, s.name);
    const failed = s.state === "error";
    this.show({
      key: `strategy-state:${s.id}`,
      tone: failed ? "error" : "info",
      title: this.strategyTitle(s.id),
      text: `${failed ? "failed" : "stopped"}: ${s.reason ?? "no reason given"}`,
      until: this.now() + (failed ? SHOW_MS.error : SHOW_MS.told),
      href: `/strategies/${s.id}`,
    });
  }

  /** Whether the strategy's name is known (else the caller may look it up and tell it). */
  knowsStrategy(id: string): boolean {
    return this.names.has(id);
  }

  /** A strategy's name: its toast, if showing, says it from now on. */
  nameStrategy(id: string, name: string): void {
    this.names.set(id, name);
    const key = `strategy:${id}`;
    const title = this.strategyTitle(id);
    if (this.list.value.some((t) => t.key === key))
      this.list.value = this.list.value.map((t) => (t.key === key ? { ...t, title } : t));
    if (this.history.value.some((t) => t.key === key))
      this.history.value = this.history.value.map((t) => (t.key === key ? { ...t, title } : t));
  }

  private strategyTitle(id: string): string {
    return `Strategy ${this.names.get(id) ?? id}`;
  }

  dismiss(key: string): void {
    this.list.value = this.list.value.filter((t) => t.key !== key);
    this.sums.delete(key);
  }

  /** Takes the toasts whose time is up off; returns whether any are left. */
  sweep(): boolean {
    const now = this.now();
    const left = this.list.value.filter((t) => t.until > now);
    if (left.length !== this.list.value.length) {
      for (const t of this.list.value) if (t.until <= now) this.sums.delete(t.key);
      this.list.value = left;
    }
    return left.length > 0;
  }

  /** The history was looked at: nothing unread. */
  markRead(): void {
    this.unread.value = 0;
  }

  clearHistory(): void {
    this.history.value = [];
    this.unread.value = 0;
  }

  /** Newest first; a toast of the same key moves to the top with its new text (in the history too). */
  private show(t: Toast): void {
    const rest = this.list.value.filter((x) => x.key !== t.key);
    const kept = [t, ...rest].slice(0, MAX_SHOWN);
    for (const x of rest.slice(MAX_SHOWN - 1)) this.sums.delete(x.key);
    this.list.value = kept;
    const told = { ...t, at: this.now() };
    this.history.value = [told, ...this.history.value.filter((x) => x.key !== t.key)].slice(0, HISTORY_MAX);
    this.unread.value++;
  }

  /** Whether `id` was told before (and remembers it). */
  private once(id: string): boolean {
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
    return false;
  }
}
