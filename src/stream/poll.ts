// Long polling: events after an id from the bus reader's window, or wait for the next batch
// that matches. A consumer of the reader's batches (`wake`); it knows nothing of the hub.
// A waiting poll whose caller's session ends is answered `revoked` (the route makes it a 401).
import type { Principal } from "../auth/types.ts";
import type { Dispatcher } from "../bus/dispatcher.ts";
import { type BusEvent, textOf } from "../bus/ring.ts";
import type { ChannelFilter } from "./channels.ts";
import type { StreamMetrics } from "./metrics.ts";
import type { Resume } from "./resume.ts";

export interface PollAnswer {
  events: string[];
  next: string;
  reset: string | null;
  /** Set when the caller's session ended while the poll waited: no events, answer 401. */
  revoked?: string;
}

interface Waiter {
  filter: ChannelFilter;
  after: number;
  limit: number;
  principal?: Principal;
  done: (a: PollAnswer) => void;
}

export class Poller {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly bus: Dispatcher,
    private readonly metrics: StreamMetrics,
  ) {}

  /** Answers at once when anything matches (or on reset); otherwise waits up to waitMs. */
  poll(
    resume: Resume,
    filter: ChannelFilter,
    limit: number,
    waitMs: number,
    signal?: AbortSignal,
    principal?: Principal,
  ): Promise<PollAnswer> {
    if (resume.reset) return Promise.resolve({ events: [], next: this.bus.idOf(resume.seq), reset: resume.reset });
    const now = this.collect(resume.seq, filter, limit);
    if (!now || now.events.length > 0 || waitMs === 0) return Promise.resolve(now ? this.answer(now) : this.overrun());
    return new Promise((resolve) => {
      const w: Waiter = { filter, after: now.last, limit, ...(principal ? { principal } : {}), done: () => {} };
      const finish = (a: PollAnswer) => {
        if (!this.waiters.delete(w)) return;
        clearTimeout(timer);
        this.metrics.disconnected("poll", "answered");
        resolve(a);
      };
      w.done = finish;
      const timer = setTimeout(() => {
        const got = this.collect(w.after, filter, limit);
        finish(got ? this.answer(got) : this.overrun());
      }, waitMs);
      signal?.addEventListener("abort", () => finish({ events: [], next: this.bus.idOf(w.after), reset: null }), {
        once: true,
      });
      this.waiters.add(w);
      this.metrics.connected("poll");
    });
  }

  /** The batch consumer: answers the polls the new events match; returns how many it answered. */
  wake(): number {
    let answered = 0;
    for (const w of [...this.waiters]) {
      const got = this.collect(w.after, w.filter, w.limit);
      if (!got) w.done(this.overrun());
      else if (got.events.length > 0) w.done(this.answer(got));
      else {
        w.after = got.last; // nothing for this filter: skip the scanned range next time
        continue;
      }
      answered++;
    }
    return answered;
  }

  private collect(after: number, filter: ChannelFilter, limit: number): { events: BusEvent[]; last: number } | null {
    return this.bus.since(after, filter, limit);
  }

  private answer(got: { events: BusEvent[]; last: number }): PollAnswer {
    return { events: got.events.map(textOf), next: this.bus.idOf(got.last), reset: null };
  }

  private overrun(): PollAnswer {
    return { events: [], next: this.bus.idOf(this.bus.taken), reset: "outside_window" };
  }

  /** The callers of the waiting polls (one entry per poll). */
  principals(): Principal[] {
    const out: Principal[] = [];
    for (const w of this.waiters) if (w.principal) out.push(w.principal);
    return out;
  }

  /** Answers the waiting polls whose caller `match` selects with `revoked`; returns how many. */
  revoke(match: (p: Principal) => boolean, reason: string): number {
    let n = 0;
    for (const w of [...this.waiters]) {
      if (!w.principal || !match(w.principal)) continue;
      w.done({ events: [], next: this.bus.idOf(w.after), reset: null, revoked: reason });
      n++;
    }
    return n;
  }

  /** Answers every waiting poll now (shutdown). */
  flush(): void {
    for (const w of [...this.waiters]) w.done({ events: [], next: this.bus.idOf(w.after), reset: null });
  }
}
