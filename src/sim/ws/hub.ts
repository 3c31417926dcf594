// Who is subscribed to what: topic key -> subscriptions, and the fan-out that serializes each
// push's data once and writes it to every subscriber behind its own echoed arg.
import type { Session, Sub } from "./session.ts";

export class Hub {
  readonly sessions = new Set<Session>();
  private topics = new Map<string, Map<Session, Sub>>();

  addSession(s: Session): void {
    this.sessions.add(s);
  }

  removeSession(s: Session): void {
    this.sessions.delete(s);
    for (const key of s.subs.keys()) this.unsubscribe(s, key);
  }

  subscribe(key: string, sub: Sub): void {
    let m = this.topics.get(key);
    if (!m) this.topics.set(key, (m = new Map()));
    m.set(sub.session, sub);
    sub.session.subs.set(key, sub);
  }

  unsubscribe(s: Session, key: string): boolean {
    const m = this.topics.get(key);
    const had = s.subs.delete(key);
    if (m) {
      m.delete(s);
      if (m.size === 0) this.topics.delete(key);
    }
    return had;
  }

  has(key: string): boolean {
    return (this.topics.get(key)?.size ?? 0) > 0;
  }

  keys(): IterableIterator<string> {
    return this.topics.keys();
  }

  subscribers(key: string): Iterable<Sub> {
    return this.topics.get(key)?.values() ?? [];
  }

  /**
   * Sends `{"arg":<sub arg>,<head>"data":<dataJson>}` to each subscriber of `key` that `accept`s.
   * `head` is extra top-level fields such as `"action":"update",`.
   */
  push(key: string, dataJson: string, head = "", accept?: (sub: Sub) => boolean): void {
    const m = this.topics.get(key);
    if (!m) return;
    for (const sub of m.values()) {
      if (accept && !accept(sub)) continue;
      sub.session.sendData(frame(sub.argJson, dataJson, head));
    }
  }
}

export function frame(argJson: string, dataJson: string, head = ""): string {
  return `{"arg":${argJson},${head}"data":${dataJson}}`;
}
