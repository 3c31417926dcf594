// The last known state of each open order (from `orders` pushes), and the pure comparison
// with OKX's orders-pending after a reconnect: what changed while we were not listening.
import type { Order } from "../../domain/events.ts";

export interface KnownOrder {
  instId: string;
  state: Order["state"];
  sz: string;
  px: string;
  accFillSz: string;
  uTime: number;
}

const OPEN = new Set<Order["state"]>(["live", "partially_filled"]);

export class OpenOrders {
  readonly known = new Map<string, KnownOrder>();

  /** Record an order's latest state; a final state forgets it. */
  note(o: Order): void {
    if (OPEN.has(o.state)) {
      this.known.set(o.ordId, {
        instId: o.instId,
        state: o.state,
        sz: o.sz,
        px: o.px,
        accFillSz: o.accFillSz,
        uTime: o.uTime,
      });
    } else {
      this.known.delete(o.ordId);
    }
  }

  get size(): number {
    return this.known.size;
  }
}

export interface Reconciliation {
  /** Pending orders that are new to us or differ from what we knew: publish them. */
  changed: Order[];
  /** Orders we thought open that OKX no longer lists as pending: fetch and publish their end state. */
  gone: Array<{ ordId: string; instId: string }>;
}

export function sameOrder(k: KnownOrder, o: Order): boolean {
  return k.state === o.state && k.accFillSz === o.accFillSz && k.sz === o.sz && k.px === o.px && k.uTime === o.uTime;
}

/** Compares the known open orders with the full orders-pending list. */
export function reconcile(known: ReadonlyMap<string, KnownOrder>, pending: Order[]): Reconciliation {
  const seen = new Set<string>();
  const changed: Order[] = [];
  for (const o of pending) {
    seen.add(o.ordId);
    const k = known.get(o.ordId);
    // Older than what a push already told us: not news.
    if (!k || (o.uTime >= k.uTime && !sameOrder(k, o))) changed.push(o);
  }
  const gone: Reconciliation["gone"] = [];
  for (const [ordId, k] of known) if (!seen.has(ordId)) gone.push({ ordId, instId: k.instId });
  return { changed, gone };
}
