// One stream for all tabs of an origin: the tab holding a Web Lock is the leader and owns the
// connection; it relays what arrives to the other tabs over a BroadcastChannel and connects
// for the union of their channels. When the leader tab closes, the browser hands the lock to
// the next tab, which resumes from the last id it was relayed (no gap). Where Web Locks or
// BroadcastChannel are missing, `TabGroup.supported()` is false and each tab connects itself.
import { hasBroadcastChannel, lockManager } from "./env.ts";
import type { ConnectedInfo, ResetInfo, StreamError, StreamEvent, StreamStatus, TransportName } from "./types.ts";

/** What the leader tells followers. */
export type FromLeader =
  | { k: "leader"; from: string }
  | {
      k: "state";
      from: string;
      status: StreamStatus;
      channels: string[];
      cursor: string | null;
      offset: number;
      transport: TransportName;
      error: StreamError | null;
    }
  | { k: "connected"; from: string; info: ConnectedInfo }
  | { k: "events"; from: string; evs: StreamEvent[] }
  | { k: "snapshot"; from: string; evs: StreamEvent[] }
  | { k: "reset"; from: string; info: ResetInfo }
  | { k: "heartbeat"; from: string; head: string; t?: number };

/** What followers tell the leader. */
export type FromFollower =
  | { k: "hello"; from: string }
  | { k: "want"; from: string; channels: string[] }
  | { k: "bye"; from: string };

export type TabMessage = FromLeader | FromFollower;

export interface TabGroupHooks {
  /** This tab got the lock: connect. */
  lead(): void;
  /** Another tab took the lock from this one (it stole it from a silent leader): stop leading. */
  demoted(): void;
  message(m: TabMessage): void;
}

export class TabGroup {
  readonly id = Math.random().toString(36).slice(2, 10);
  private readonly channel: BroadcastChannel;
  private release: (() => void) | undefined;
  private waiting: AbortController | undefined;
  private closed = false;
  private pending: StreamEvent[] = [];
  private flushQueued = false;
  leader = false;

  static supported(): boolean {
    return hasBroadcastChannel() && lockManager() !== undefined;
  }

  constructor(
    private readonly name: string,
    private readonly hooks: TabGroupHooks,
  ) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (e: { data: unknown }) => {
      const m = e.data as TabMessage | null;
      if (m && typeof m === "object" && typeof m.k === "string" && m.from !== this.id) hooks.message(m);
    };
  }

  /** Queues for the lock; until it is granted this tab is a follower. */
  start(steal = false): void {
    const locks = lockManager();
    if (!locks || this.closed) return;
    // A request waiting in the queue can be withdrawn (signal); a stealing one cannot have one.
    const waiting = steal ? undefined : new AbortController();
    this.waiting = waiting;
    let granted = false;
    const held = new Promise<void>((resolve) => (this.release = resolve));
    const opts = waiting
      ? { mode: "exclusive" as const, signal: waiting.signal }
      : { mode: "exclusive" as const, steal: true };
    locks
      .request(this.name, opts, async () => {
        granted = true;
        this.waiting = undefined;
        if (this.closed) return;
        this.leader = true;
        this.hooks.lead();
        await held;
      })
      .catch(() => {
        // Withdrawn while waiting (we steal instead, or closed): nothing to do. Granted and
        // then rejected: another tab stole the lock. Follow, and queue again.
        if (!granted || this.closed) return;
        this.leader = false;
        this.hooks.demoted();
        this.start();
      });
  }

  /** Takes the lock from a leader that went silent (a frozen tab). */
  steal(): void {
    if (this.leader || this.closed) return;
    this.waiting?.abort();
    this.start(true);
  }

  /** Events are batched per task: one message for what arrived together. */
  relayEvent(ev: StreamEvent): void {
    this.pending.push(ev);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Any other message; queued events go first so the order is kept. */
  post(m: TabMessage): void {
    this.flush();
    this.channel.postMessage(m);
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0 || this.closed) return;
    const evs = this.pending;
    this.pending = [];
    this.channel.postMessage({ k: "events", from: this.id, evs } satisfies FromLeader);
  }

  close(): void {
    if (this.closed) return;
    if (!this.leader) this.post({ k: "bye", from: this.id });
    else this.flush();
    this.closed = true;
    this.leader = false;
    this.waiting?.abort();
    this.release?.();
    this.channel.close();
  }
}
