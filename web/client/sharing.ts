// This tab's part in the one stream the tabs of an origin share (a TabGroup): as leader it tracks
// its followers and their channels, tells them its state and relays what arrives; as follower it
// asks for its channels, hands on what the leader relays, and takes over from a silent leader.
import { localNow } from "./clock.ts";
import { isOnline } from "./env.ts";
import { type FromLeader, TabGroup, type TabMessage } from "./tabs.ts";
import type { Incoming } from "./transport.ts";

/** Channel changes (a follower's answer, the page's navigation) settle this long before the connection follows. */
export const UNION_DEBOUNCE_MS = 30;
/** A follower takes over when the leader tab has been silent this long (frozen tab). */
const LEADER_SILENT_MS = 65_000;
const CHECK_LEADER_MS = 5_000;

/** What the leader tells its followers about the connection. */
export type LeaderState = Omit<Extract<FromLeader, { k: "state" }>, "k" | "from">;

export interface SharingHooks {
  /** This tab took the lead (its role changes now; `connect` follows). */
  lead(): void;
  /** Leader: followers had a moment to say what they want: connect. */
  connect(): void;
  /** Another tab took the lead from this one: stop the connection. */
  demoted(): void;
  /** This tab's channels. */
  own(): string[];
  /** Leader: the followers' channels changed (one asked, or left). */
  wantsChanged(): void;
  /** Leader: the state to tell followers now. */
  state(): LeaderState;
  /** Follower: the leader's state. */
  leaderState(s: LeaderState): void;
  /** Follower: a message of the leader's connection, relayed. */
  relayed(m: Incoming): void;
}

export class Sharing {
  private readonly group: TabGroup;
  /** Other tabs that follow this one (leader): messages are relayed only when there are some. */
  private readonly followers = new Set<string>();
  private readonly wants = new Map<string, string[]>();
  private leaderHeard = 0;
  private timers: Array<ReturnType<typeof setTimeout>> = [];

  static supported(): boolean {
    return TabGroup.supported();
  }

  constructor(
    name: string,
    private readonly hooks: SharingHooks,
  ) {
    this.group = new TabGroup(name, {
      lead: () => this.lead(),
      demoted: () => this.demoted(),
      message: (m) => this.message(m),
    });
  }

  get leader(): boolean {
    return this.group.leader;
  }

  /** Queues for the lead; follows meanwhile. */
  start(): void {
    this.group.start();
    this.group.post({ k: "hello", from: this.group.id });
    this.want();
    this.leaderHeard = Date.now();
    this.timers.push(setInterval(() => this.checkLeader(), CHECK_LEADER_MS));
  }

  close(): void {
    this.group.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Follower: asks the leader for this tab's channels. */
  want(): void {
    this.group.post({ k: "want", from: this.group.id, channels: this.hooks.own() });
  }

  /** Leader: the channels each follower asks for. */
  followerChannels(): Iterable<string[]> {
    return this.wants.values();
  }

  /** Leader: tells the followers the connection's state. */
  postState(): void {
    if (!this.group.leader) return;
    this.group.post({ k: "state", from: this.group.id, ...this.hooks.state() });
  }

  /** Leader: hands a message of its own connection on to the followers, when it has some. */
  relay(m: Incoming): void {
    const g = this.group;
    if (!g.leader || this.followers.size === 0) return;
    switch (m.kind) {
      case "event":
        return g.relayEvent(m.ev);
      case "snapshot":
        return g.post({ k: "snapshot", from: g.id, evs: [m.ev] });
      case "connected":
        return g.post({ k: "connected", from: g.id, info: m.info });
      case "reset":
        return g.post({ k: "reset", from: g.id, info: m.info });
      case "heartbeat":
        g.post({ k: "heartbeat", from: g.id, head: m.head, ...(m.t !== undefined ? { t: m.t } : {}) });
        return this.postState();
    }
  }

  private lead(): void {
    this.hooks.lead();
    this.group.post({ k: "leader", from: this.group.id });
    // Followers answer with their channels; connect once they had a moment to.
    this.timers.push(setTimeout(() => this.group.leader && this.hooks.connect(), UNION_DEBOUNCE_MS));
  }

  private demoted(): void {
    this.wants.clear();
    this.followers.clear();
    this.hooks.demoted();
    this.leaderHeard = Date.now();
    this.group.post({ k: "hello", from: this.group.id });
  }

  private checkLeader(): void {
    if (this.group.leader || !isOnline()) return;
    if (Date.now() - this.leaderHeard > LEADER_SILENT_MS) this.group.steal();
  }

  private message(m: TabMessage): void {
    if (this.group.leader) {
      if (m.k === "hello") {
        this.followers.add(m.from);
        this.postState();
      } else if (m.k === "want") {
        this.followers.add(m.from);
        this.wants.set(m.from, m.channels);
        this.hooks.wantsChanged();
      } else if (m.k === "bye") {
        this.followers.delete(m.from);
        this.wants.delete(m.from);
        this.hooks.wantsChanged();
      }
      return;
    }
    this.leaderHeard = Date.now();
    const at = localNow();
    const lead = m as FromLeader;
    switch (lead.k) {
      case "leader":
        this.wants.clear();
        return this.want();
      case "state":
        return this.hooks.leaderState(lead);
      case "connected":
        return this.hooks.relayed({ kind: "connected", info: lead.info, at });
      case "events":
        for (const ev of lead.evs) this.hooks.relayed({ kind: "event", ev, at });
        return;
      case "snapshot":
        for (const ev of lead.evs) this.hooks.relayed({ kind: "snapshot", ev });
        return;
      case "reset":
        return this.hooks.relayed({ kind: "reset", info: lead.info });
      case "heartbeat":
        return this.hooks.relayed({ kind: "heartbeat", head: lead.head, at });
    }
  }
}
