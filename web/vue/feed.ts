// Channels that components share: the first user subscribes a channel (with its snapshot
// loader), the last one to leave unsubscribes it. Events reach the stores through one handler
// per event type that each store registers once, so shared channels never double an update.
import type { EventClient } from "../client/client.ts";

export class Feeds {
  private readonly users = new Map<string, { n: number; release: () => void }>();

  constructor(
    private readonly client: EventClient,
    /** The snapshot loader for a channel (REST), if it has one. */
    private readonly loader: (channel: string) => (() => Promise<void>) | undefined,
  ) {}

  /** Holds `channel` until the returned release is called. */
  acquire(channel: string): () => void {
    let u = this.users.get(channel);
    if (!u) this.users.set(channel, (u = { n: 0, release: this.client.subscribe([channel], this.loader(channel)) }));
    u.n++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--u.n === 0) {
        this.users.delete(channel);
        u.release();
      }
    };
  }
}

/** One call in flight at a time: callers during a call share its result. */
export function single<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () =>
    (running ??= fn().finally(() => {
      running = undefined;
    }));
}
