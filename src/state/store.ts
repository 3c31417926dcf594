// Latest state kept from the bus: the newest ticker, book, position, balance and open orders
// per key, so a fresh client gets a snapshot first and REST answers without asking OKX.
//
// Entries keep the event's JSON text as it went out (no re-encoding) plus its sequence. The
// hub calls `apply` for every batch before it returns to the event loop, so between batches
// the state reflects exactly the events up to the hub's head: a snapshot taken then and live
// events after the head have no gap and no duplicate.
import type { BusEvent } from "../bus/ring.ts";
import type { ChannelFilter } from "../stream/channels.ts";
import { textOf } from "../stream/hub.ts";

export interface Entry {
  seq: number;
  channel: string;
  type: string;
  /** The event's JSON text: {id, type, channel, ts, data}. */
  text: string;
}

/** Keyed by what identifies "the latest" for each event type; `null` = not state. */
function keyOf(ev: BusEvent, data: () => Record<string, unknown>): string | null {
  switch (ev.type) {
    case "ticker":
    case "book":
    case "candle":
      return ev.channel; // one per instrument
    case "account":
      return "account";
    case "balance":
      return `balance:${String(data().ccy)}`;
    case "position": {
      const d = data();
      return `position:${String(d.instId)}:${String(d.posSide || "net")}`;
    }
    case "order":
      return `order:${String(data().ordId)}`;
    case "strategy":
      return ev.channel;
    default:
      return null;
  }
}

const CLOSED_ORDER = new Set(["filled", "canceled", "mmp_canceled", "rejected"]);

export class StateStore {
  private readonly entries = new Map<string, Entry>();

  /** Applies one batch, in order. */
  apply(events: BusEvent[]): void {
    for (const ev of events) {
      if (!STATE_TYPES.has(ev.type)) continue;
      let parsed: { data?: Record<string, unknown> } | undefined;
      const data = () => (parsed ??= JSON.parse(textOf(ev)) as { data?: Record<string, unknown> }).data ?? {};
      const key = keyOf(ev, data);
      if (key === null) continue;
      if (this.isGone(ev.type, data)) {
        this.entries.delete(key);
        continue;
      }
      this.entries.set(key, { seq: ev.seq, channel: ev.channel, type: ev.type, text: textOf(ev) });
    }
  }

  /** Closed orders and flat positions leave the state. */
  private isGone(type: string, data: () => Record<string, unknown>): boolean {
    if (type === "order") return CLOSED_ORDER.has(String(data().state));
    if (type === "position") return Number(data().pos) === 0;
    return false;
  }

  /** Entries a filter selects, oldest first (the order they happened in). */
  snapshot(filter: ChannelFilter): Entry[] {
    const out: Entry[] = [];
    for (const e of this.entries.values()) if (filter.matches(e.channel)) out.push(e);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The `data` of every entry of a type (REST answers). */
  list(type: string, where?: (data: Record<string, unknown>) => boolean): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const e of this.entries.values()) {
      if (e.type !== type) continue;
      const d = (JSON.parse(e.text) as { data: Record<string, unknown> }).data;
      if (!where || where(d)) out.push(d);
    }
    return out;
  }

  get(key: string): Record<string, unknown> | undefined {
    const e = this.entries.get(key);
    return e ? (JSON.parse(e.text) as { data: Record<string, unknown> }).data : undefined;
  }

  size(): number {
    return this.entries.size;
  }
}

const STATE_TYPES = new Set(["ticker", "book", "candle", "account", "balance", "position", "order", "strategy"]);
