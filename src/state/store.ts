// Latest state kept from the bus: the newest ticker, book, position, balance, open orders and
// price alerts per key, so a fresh client gets a snapshot first and REST answers without asking OKX.
// It is the exchange's truth (the risk checks read it): market and account events count only
// from the exchange connection and tradewire's own services (domain/source.ts); an engine's or
// an HTTP publisher's reach the stream, never this state. Their strategies' status does.
//
// Entries keep the event's JSON text as it went out (no re-encoding) plus its sequence. The
// bus reader calls `apply` with every event it takes off the ring, in order, so the state
// always reflects exactly the events up to the reader's head: a snapshot taken then and live
// events after that head have no gap and no duplicate. It imports nothing of the stream side.
import type { ChannelMatcher } from "../bus/dispatcher.ts";
import { type BusEvent, textOf } from "../bus/ring.ts";
import { ENDED_STATES } from "../domain/orders.ts";
import { EXCHANGE_TYPES, fromTruth } from "../domain/source.ts";

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
    case "funding":
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
    case "alert":
      return ev.channel;
    default:
      return null;
  }
}

/** An entry saved by an earlier run (see src/store/redis/state.ts). */
export interface SavedEntry {
  key: string;
  channel: string;
  type: string;
  text: string;
}

export interface StateOptions {
  /**
   * Called before every REST-facing read (list, get, count): the bus reader takes in what was
   * published, so a read right after a publish sees it. It must write to no socket.
   */
  beforeRead?: () => void;
}

export class StateStore {
  private readonly entries = new Map<string, Entry>();
  /** Entries per type, kept with `entries` (the risk check counts open orders on every order). */
  private readonly counts = new Map<string, number>();
  private readonly beforeRead: () => void;
  /** Keys set or removed since the last takeChanges(); only once someone persists the state. */
  private changed?: Set<string>;

  constructor(opts: StateOptions = {}) {
    this.beforeRead = opts.beforeRead ?? (() => {});
  }

  /** Applies one batch, in order. */
  apply(events: BusEvent[]): void {
    for (const ev of events) {
      if (!STATE_TYPES.has(ev.type) || !this.trusted(ev)) continue;
      let parsed: { data?: Record<string, unknown> } | undefined;
      const data = () => (parsed ??= JSON.parse(textOf(ev)) as { data?: Record<string, unknown> }).data ?? {};
      const key = keyOf(ev, data);
      if (key === null) continue;
      this.changed?.add(key);
      if (this.isGone(ev.type, data)) {
        this.drop(key);
        continue;
      }
      this.put(key, { seq: ev.seq, channel: ev.channel, type: ev.type, text: textOf(ev) });
    }
  }

  /** The exchange's truth and price alerts from their own publishers only; a strategy's status on its own channel from anyone. */
  private trusted(ev: BusEvent): boolean {
    if (EXCHANGE_TYPES.has(ev.type) || ev.type === "alert") return fromTruth(ev.source);
    return ev.type !== "strategy" || fromTruth(ev.source) || ev.channel.startsWith("strategy:");
  }

  /** Starts remembering which keys change (one Set.add per state event, nothing more). */
  trackChanges(): void {
    this.changed ??= new Set();
  }

  /** The keys changed since the last call, each with its entry now (undefined: it left). */
  takeChanges(): Array<[string, Entry | undefined]> {
    if (!this.changed?.size) return [];
    const out = [...this.changed].map((k): [string, Entry | undefined] => [k, this.entries.get(k)]);
    this.changed.clear();
    return out;
  }

  /** Marks keys changed again (a failed write; all of them: the copy was lost), for takeChanges(). */
  requeue(keys: Iterable<string> = this.entries.keys()): void {
    for (const k of keys) this.changed?.add(k);
  }

  /**
   * Loads entries of an earlier run, oldest first. They get sequences below any of this run's
   * (which start at 1), so snapshots list them first; keys this run already set or removed win.
   */
  restore(saved: SavedEntry[]): number {
    let seq = 1;
    for (const e of this.entries.values()) seq = Math.min(seq, e.seq);
    seq -= saved.length + 1;
    let n = 0;
    for (const s of saved) {
      seq++;
      if (this.entries.has(s.key) || this.changed?.has(s.key)) continue;
      this.put(s.key, { seq, channel: s.channel, type: s.type, text: s.text });
      n++;
    }
    return n;
  }

  private put(key: string, e: Entry): void {
    const old = this.entries.get(key);
    if (old) this.counts.set(old.type, (this.counts.get(old.type) ?? 1) - 1);
    this.entries.set(key, e);
    this.counts.set(e.type, (this.counts.get(e.type) ?? 0) + 1);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.counts.set(old.type, (this.counts.get(old.type) ?? 1) - 1);
  }

  /** Closed orders, flat positions, deleted strategies and removed alerts leave the state. */
  private isGone(type: string, data: () => Record<string, unknown>): boolean {
    if (type === "order") return ENDED_STATES.has(String(data().state));
    if (type === "position") return Number(data().pos) === 0;
    if (type === "strategy" || type === "alert") return data().deleted === true;
    return false;
  }

  /**
   * Entries a filter selects, oldest first (the order they happened in), as of the last event
   * applied: it takes in nothing more, so it matches the head the caller fixed just before.
   */
  snapshot(filter: ChannelMatcher): Entry[] {
    const out: Entry[] = [];
    for (const e of this.entries.values()) if (filter.matches(e.channel)) out.push(e);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The `data` of every entry of a type (REST answers). */
  list(type: string, where?: (data: Record<string, unknown>) => boolean): Record<string, unknown>[] {
    this.beforeRead();
    const out: Record<string, unknown>[] = [];
    for (const e of this.entries.values()) {
      if (e.type !== type) continue;
      const d = (JSON.parse(e.text) as { data: Record<string, unknown> }).data;
      if (!where || where(d)) out.push(d);
    }
    return out;
  }

  get(key: string): Record<string, unknown> | undefined {
    this.beforeRead();
    const e = this.entries.get(key);
    return e ? (JSON.parse(e.text) as { data: Record<string, unknown> }).data : undefined;
  }

  /** How many entries of a type there are (open orders, positions), without reading them. */
  count(type: string): number {
    this.beforeRead();
    return this.counts.get(type) ?? 0;
  }

  size(): number {
    return this.entries.size;
  }
}

const STATE_TYPES = new Set([
  "ticker",
  "book",
  "candle",
  "funding",
  "account",
  "balance",
  "position",
  "order",
  "strategy",
  "alert",
]);
