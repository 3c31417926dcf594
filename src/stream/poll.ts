// Long polling: events after an id from the hub's window, or wait for the next matching batch.
import type { ChannelFilter } from "./channels.ts";
import { textOf, type Hub } from "./hub.ts";
import type { StreamMetrics } from "./metrics.ts";
import type { Resume } from "./resume.ts";

export interface PollAnswer {
  events: string[];
  next: string;
  reset: string | null;
}

interface Waiter {
  filter: ChannelFilter;
  after: number;
  limit: number;
  done: (a: PollAnswer) => void;
}

export class Poller {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly hub: Hub,
    private readonly metrics: StreamMetrics,
  ) {
    hub.onBatch(() => this.wake());
  }

  /** Answers at once when anything matches (or on reset); otherwise waits up to waitMs. */
  poll(resume: Resume, filter: ChannelFilter, limit: number, waitMs: number, signal?: AbortSignal): Promise<PollAnswer> {
    if (resume.reset) return Promise.resolve({ events: [], next: this.hub.idOf(resume.seq), reset: resume.reset });
    const now = this.collect(resume.seq, filter, limit);
    if (!now || now.events.length > 0 || waitMs === 0) return Promise.resolve(now ?? this.overrun());
    return new Promise((resolve) => {
      const w: Waiter = { filter, after: resume.seq, limit, done: () => {} };
      const finish = (a: PollAnswer) => {
        if (!this.waiters.delete(w)) return;
        clearTimeout(timer);
        this.metrics.disconnected("poll", "answered");
        resolve(a);
      };
      w.done = finish;
      const timer = setTimeout(() => finish(this.collect(w.after, filter, limit) ?? this.overrun()), waitMs);
      signal?.addEventListener("abort", () => finish({ events: [], next: this.hub.idOf(w.after), reset: null }), { once: true });
      this.waiters.add(w);
      this.metrics.connected("poll");
    });
  }

  private wake(): void {
    let answered = 0;
    for (const w of [...this.waiters]) {
      const a = this.collect(w.after, w.filter, w.limit);
      if (!a) w.done(this.overrun());
      else if (a.events.length > 0) w.done(a);
      else {
        w.after = this.hub.head(); // nothing for this filter: skip the scanned range next time
        continue;
      }
      answered++;
    }
    this.hub.noteWrites(answered);
  }

  private collect(after: number, filter: ChannelFilter, limit: number): PollAnswer | null {
    const got = this.hub.since(after, filter, limit);
    if (!got) return null;
    return { events: got.events.map(textOf), next: this.hub.idOf(got.last), reset: null };
  }

  private overrun(): PollAnswer {
    return { events: [], next: this.hub.idOf(this.hub.head()), reset: "outside_window" };
  }

  /** Answers every waiting poll now (shutdown). */
  flush(): void {
    for (const w of [...this.waiters]) w.done({ events: [], next: this.hub.idOf(w.after), reset: null });
  }
}
