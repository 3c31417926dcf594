// Latest state by key (ticker per instrument, open order per id, balance per currency) in a
// shallowReactive Map, written once per frame. Newer wins by the item's own time, so a REST
// snapshot and live events can arrive in any order; a snapshot load replaces what it covers
// except keys the stream changed while the load was under way.
import { shallowReactive } from "vue";
import { onNextFrame } from "./frame.ts";

const GONE = Symbol("gone");

export interface KeyedOptions<T> {
  key: (v: T) => string;
  /** The item's own time (exchange ts, uTime): a lower one never replaces a higher one. */
  version: (v: T) => number;
  /** Items that leave the state when they arrive (a closed order, a flat position). */
  gone?: (v: T) => boolean;
}

export class KeyedState<T> {
  /** What components read; changed only in frame flushes. */
  readonly map: Map<string, T> = shallowReactive(new Map<string, T>());
  private readonly pending = new Map<string, T | typeof GONE>();
  /** Newest version seen per key, including removals (so an older snapshot cannot revive them). */
  private readonly seen = new Map<string, number>();
  /** When each key was last changed by the stream (a counter), for loads under way. */
  private readonly touched = new Map<string, number>();
  private touch = 0;
  private readonly flush = () => this.apply();

  constructor(private readonly o: KeyedOptions<T>) {}

  /** A live item (or one from a stream snapshot). */
  put(v: T): void {
    if (this.take(v)) this.touched.set(this.o.key(v), ++this.touch);
  }

  /** Marks the start of a snapshot load; pass the mark to `load`. */
  mark(): number {
    return this.touch;
  }

  /**
   * A full snapshot (REST) taken after `mark`: its items go in (newer wins), and keys it does
   * not have leave, unless the stream touched them since the mark.
   */
  load(items: T[], mark: number): void {
    const keys = new Set<string>();
    for (const v of items) {
      keys.add(this.o.key(v));
      this.take(v);
    }
    for (const k of this.keys()) {
      if (!keys.has(k) && (this.touched.get(k) ?? 0) <= mark) this.pending.set(k, GONE);
    }
    onNextFrame(this.flush);
  }

  /** Items from a partial snapshot (one instrument's book): newer wins, nothing leaves. */
  merge(items: T[]): void {
    for (const v of items) this.take(v);
  }

  clear(): void {
    this.pending.clear();
    this.seen.clear();
    this.touched.clear();
    this.map.clear();
  }

  private keys(): Set<string> {
    const out = new Set(this.map.keys());
    for (const [k, v] of this.pending) {
      if (v === GONE) out.delete(k);
      else out.add(k);
    }
    return out;
  }

  private take(v: T): boolean {
    const k = this.o.key(v);
    const ver = this.o.version(v);
    const seen = this.seen.get(k);
    if (seen !== undefined && ver < seen) return false;
    this.seen.set(k, ver);
    this.pending.set(k, this.o.gone?.(v) ? GONE : v);
    onNextFrame(this.flush);
    return true;
  }

  private apply(): void {
    for (const [k, v] of this.pending) {
      if (v === GONE) this.map.delete(k);
      else this.map.set(k, v);
    }
    this.pending.clear();
  }
}
