// Handlers by what they listen to (an event type, a channel, `head:*`, or `*`), found per event
// with a few map lookups; a handler that throws is counted and the others still run.
import type { StreamEvent } from "./types.ts";

export interface DispatchMeta {
  /** The event is part of a snapshot (latest state), not news: it may be older than what you have. */
  snapshot: boolean;
  /** When it reached this page (local ms, sub-ms). */
  at: number;
}

export type Handler = (ev: StreamEvent, meta: DispatchMeta) => void;

export class Dispatcher {
  private readonly exact = new Map<string, Set<Handler>>();
  private readonly heads = new Map<string, Set<Handler>>();
  private readonly all = new Set<Handler>();
  handlerErrors = 0;
  onHandlerError: (err: unknown) => void = () => {};

  /** `*`; `head:*`; otherwise the string is matched against both the type and the channel. */
  on(pattern: string, h: Handler): () => void {
    let set: Set<Handler>;
    if (pattern === "*") set = this.all;
    else if (pattern.endsWith(":*")) set = getOrAdd(this.heads, pattern.slice(0, -2));
    else set = getOrAdd(this.exact, pattern);
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  emit(ev: StreamEvent, meta: DispatchMeta): void {
    const colon = ev.channel.indexOf(":");
    this.run(this.exact.get(ev.type), ev, meta);
    if (ev.channel !== ev.type) this.run(this.exact.get(ev.channel), ev, meta);
    if (colon > 0) this.run(this.heads.get(ev.channel.slice(0, colon)), ev, meta);
    this.run(this.all, ev, meta);
  }

  private run(set: Set<Handler> | undefined, ev: StreamEvent, meta: DispatchMeta): void {
    if (!set || set.size === 0) return;
    for (const h of set) {
      try {
        h(ev, meta);
      } catch (err) {
        this.handlerErrors++;
        this.onHandlerError(err);
      }
    }
  }
}

function getOrAdd<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}
