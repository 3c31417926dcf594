// Price alerts: "tell me when BTC-USDT reaches 45,000". Each is set from the chart at a price
// above or below the last one and fires once, the first time the last price gets there (then it
// is gone). They are kept by this browser for the signed-in user (localStorage, shared by the
// tabs of the origin), not by the server: they fire while a page of the dashboard is open.
import { type ShallowRef, shallowRef } from "vue";

export interface PriceAlert {
  id: string;
  instId: string;
  price: number;
  /** Fires when the last price rises to `price` (true) or falls to it (false): set by where it stood. */
  up: boolean;
  /** Set at, ms since 1970. */
  created: number;
}

/** Alerts one user may keep in this browser. */
export const MAX_ALERTS = 50;

/** Where the last price must go for an alert at `price`, or why none can be set there. */
export function direction(price: number, last: number | undefined): { up: boolean } | { error: string } {
  if (!Number.isFinite(price) || price <= 0) return { error: "a price above 0" };
  if (last === undefined || !Number.isFinite(last)) return { error: "no last price yet to set it from" };
  if (price === last) return { error: "the last price is there now" };
  return { up: price > last };
}

/** Whether a last price has reached the alert's. */
export const reached = (a: PriceAlert, last: number): boolean => (a.up ? last >= a.price : last <= a.price);

/** What localStorage offers (a fake in unit tests). */
export type KeyValue = Pick<Storage, "getItem" | "setItem">;

const isAlert = (x: unknown): x is PriceAlert => {
  const a = x as PriceAlert;
  return (
    typeof a?.id === "string" &&
    typeof a.instId === "string" &&
    typeof a.price === "number" &&
    a.price > 0 &&
    typeof a.up === "boolean" &&
    typeof a.created === "number"
  );
};

/** One user's alerts in this browser. */
export class AlertBook {
  readonly list: ShallowRef<PriceAlert[]> = shallowRef([]);
  /** The alerts by instrument, for the check on every ticker. */
  private byInst = new Map<string, PriceAlert[]>();

  constructor(
    private readonly key: string,
    private readonly store: KeyValue | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.reload();
  }

  /** Reads the alerts as stored (another tab may have changed them); anything malformed is left out. */
  reload(): void {
    let saved: unknown = [];
    try {
      saved = JSON.parse(this.store?.getItem(this.key) ?? "[]");
    } catch {}
    this.set(Array.isArray(saved) ? saved.filter(isAlert).slice(0, MAX_ALERTS) : []);
  }

  /** Sets an alert at `price` from where the last price stands; returns it, or why not. */
  add(instId: string, price: number, last: number | undefined): PriceAlert | { error: string } {
    const dir = direction(price, last);
    if ("error" in dir) return dir;
    if (this.list.value.length >= MAX_ALERTS) return { error: `at most ${MAX_ALERTS} alerts` };
    if (this.list.value.some((a) => a.instId === instId && a.price === price))
      return { error: "an alert is set at that price" };
    const created = this.now();
    const a: PriceAlert = {
      id: `${created.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      instId,
      price,
      ...dir,
      created,
    };
    this.save([...this.list.value, a]);
    return a;
  }

  remove(id: string): void {
    this.save(this.list.value.filter((a) => a.id !== id));
  }

  /** The alerts of `instId` that `last` reached: taken out (each fires once) and returned. */
  fire(instId: string, last: number): PriceAlert[] {
    const mine = this.byInst.get(instId);
    if (!mine || !Number.isFinite(last)) return [];
    const hit = mine.filter((a) => reached(a, last));
    if (hit.length) this.save(this.list.value.filter((a) => !hit.includes(a)));
    return hit;
  }

  private save(list: PriceAlert[]): void {
    this.set(list);
    try {
      this.store?.setItem(this.key, JSON.stringify(list));
    } catch {
      // Storage full or refused: the alerts hold for this page.
    }
  }

  private set(list: PriceAlert[]): void {
    this.list.value = list;
    this.byInst = new Map();
    for (const a of list) this.byInst.set(a.instId, [...(this.byInst.get(a.instId) ?? []), a]);
  }
}

const books = new Map<string, AlertBook>();

function browserStorage(): KeyValue | undefined {
  try {
    return localStorage;
  } catch {
    return undefined; // storage refused (a sandboxed frame): alerts hold for this page
  }
}

/** The alerts of `user` in this page: one book each, kept in step with the other tabs. */
export function alertBook(user: string): AlertBook {
  const existing = books.get(user);
  if (existing) return existing;
  const key = `tradewire.alerts.${user}`;
  const book = new AlertBook(key, browserStorage());
  books.set(user, book);
  addEventListener("storage", (e) => (e as Event & { key: string | null }).key === key && book.reload());
  return book;
}
