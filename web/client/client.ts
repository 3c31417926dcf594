// EventClient: one object per origin that streams tradewire's events to handlers registered by
// type or channel (the component style of the original design), without gaps or duplicates:
// it keeps a cursor, drops what it has seen, refetches snapshots when the stream cannot
// continue, shares one connection among the tabs of the origin, and measures every event.
import type { Session } from "./auth.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
import { coveredBy, readable, union } from "./channels.ts";
import { localNow } from "./clock.ts";
import { Dispatcher, type DispatchMeta, type Handler } from "./dispatch.ts";
import { isOnline, watchPage } from "./env.ts";
import { type Cursor, compareToCursor, formatId, parseId } from "./ids.ts";
import { Link, type LinkState } from "./link.ts";
import { knownTypes } from "./parse.ts";
import { StreamStats } from "./stats.ts";
import { type FromLeader, TabGroup, type TabMessage } from "./tabs.ts";
import type { Incoming } from "./transport.ts";
import {
  EVENT_TYPES,
  type StreamError,
  type StreamEvent,
  type StreamStatus,
  type TransportName,
  type TypeOf,
} from "./types.ts";

export interface EventClientOptions {
  session: Session;
  /** `auto` (default): SSE, then WebSocket, then polling when a transport never opens. */
  transport?: "auto" | TransportName;
  /** One connection for all tabs of this origin (default: where Web Locks and BroadcastChannel exist). */
  shareTabs?: boolean;
  /** Event types to accept beyond the built-in ones (others are counted as unknown and ignored). */
  extraTypes?: string[];
  backoff?: Partial<BackoffOptions>;
  connectTimeoutMs?: number;
  /** Heartbeat interval assumed until observed (the dead-link watchdog uses 2.5 of them). */
  heartbeatMs?: number;
}

export type ClientRole = "leader" | "follower" | "direct";

export interface ClientInfo {
  status: StreamStatus;
  /** leader/follower: sharing with other tabs; direct: this tab's own connection. */
  role: ClientRole;
  transport: TransportName;
  lastEventId: string | null;
  /** Channels the connection carries now. */
  channels: string[];
  error: StreamError | null;
  /** When the next attempt starts (local ms), while waiting to reconnect. */
  retryAt: number | null;
}

export type Notice = { kind: "resync"; reason: string } | { kind: "resynced"; reason: string };

interface Sub {
  patterns: string[];
  loader: (() => Promise<void>) | undefined;
  /** The stream generation the loader last ran for. */
  loadedGen: number;
}

const UNION_DEBOUNCE_MS = 30;
const SHRINK_AFTER_MS = 5_000;
/** A follower takes over when the leader tab has been silent this long (frozen tab). */
const LEADER_SILENT_MS = 65_000;

export class EventClient {
  readonly stats = new StreamStats();
  private readonly dispatcher = new Dispatcher();
  private readonly known: ReadonlySet<string>;
  private readonly subs = new Set<Sub>();
  private readonly wants = new Map<string, string[]>();
  /** Other tabs that follow this one (leader): events are relayed only when there are some. */
  private readonly followers = new Set<string>();
  private readonly statusFns = new Set<(i: ClientInfo) => void>();
  private readonly noticeFns = new Set<(n: Notice) => void>();
  private cursor: Cursor | null = null;
  /** The head when the current connection opened: events up to it are catch-up, not live. */
  private liveFrom: Cursor | null = null;
  /** Bumped each time continuity is lost: loaders run once per generation. */
  private gen = 0;
  private resyncs = 0;
  private connections = 0;
  private requested: string[] = [];
  private link: Link | undefined;
  private tabs: TabGroup | undefined;
  private identity = "";
  private leaderHeard = 0;
  private timers: Array<ReturnType<typeof setTimeout>> = [];
  private unionTimer: ReturnType<typeof setTimeout> | undefined;
  private shrinkTimer: ReturnType<typeof setTimeout> | undefined;
  private undo: Array<() => void> = [];
  info: ClientInfo = {
    status: "connecting",
    role: "direct",
    transport: "sse",
    lastEventId: null,
    channels: [],
    error: null,
    retryAt: null,
  };

  constructor(private readonly o: EventClientOptions) {
    this.known = knownTypes(EVENT_TYPES, o.extraTypes);
    this.dispatcher.onHandlerError = () => this.stats.counts.handlerErrors++;
  }

  /** Connects while the session is signed in, and follows it (login, logout, another user). */
  start(): this {
    if (this.undo.length) return this;
    this.undo.push(this.o.session.onChange(() => this.follow()));
    this.undo.push(watchPage({ hide: () => this.tabs?.close() }));
    this.follow();
    return this;
  }

  close(): void {
    for (const u of this.undo) u();
    this.undo = [];
    this.shut();
  }

  /**
   * Calls `handler` for every event of a type (`"order"`), a channel (`"orders"`,
   * `"tickers:BTC-USDT"`), a channel head (`"tickers:*"`) or everything (`"*"`).
   * Subscribe to the channels too (`subscribe`); returns the undo.
   * @example client.on("tickers:*", (ev) => console.log(ev.data.last))
   */
  on<P extends string>(pattern: P, handler: (ev: StreamEvent<TypeOf<P>>, meta: DispatchMeta) => void): () => void {
    return this.dispatcher.on(pattern, handler as Handler);
  }

  /**
   * Asks the connection for channels. `load` fetches their state (REST); it runs once the
   * connection carries them, and again whenever the stream could not continue (reset, new
   * epoch). Returns the release.
   */
  subscribe(patterns: string[], load?: () => Promise<void>): () => void {
    const sub: Sub = { patterns, loader: load, loadedGen: -1 };
    this.subs.add(sub);
    this.channelsChanged();
    void this.runLoaders();
    return () => {
      if (this.subs.delete(sub)) this.channelsChanged();
    };
  }

  onStatus(fn: (i: ClientInfo) => void): () => void {
    this.statusFns.add(fn);
    return () => this.statusFns.delete(fn);
  }

  onNotice(fn: (n: Notice) => void): () => void {
    this.noticeFns.add(fn);
    return () => this.noticeFns.delete(fn);
  }

  get status(): StreamStatus {
    return this.info.status;
  }

  /** The channels this tab's subscriptions ask for now. */
  get subscribed(): string[] {
    return this.own();
  }

  // --- who connects --------------------------------------------------------------------------

  private follow(): void {
    const s = this.o.session.state;
    const who = s.status === "authenticated" && s.user ? `${s.user.name}:${s.user.role}` : "";
    if (who === this.identity) return;
    this.shut();
    this.identity = who;
    if (!who)
      return this.update({
        status: "offline",
        error:
          s.status === "unauthorized"
            ? { code: "unauthorized", message: s.reason ?? "signed out", at: Date.now() }
            : null,
      });
    const share = (this.o.shareTabs ?? true) && TabGroup.supported();
    if (!share) {
      this.update({ role: "direct" });
      return this.startLink();
    }
    this.tabs = new TabGroup(`tradewire-stream:${who}`, {
      lead: () => this.lead(),
      demoted: () => this.demoted(),
      message: (m) => this.fromTab(m),
    });
    this.update({ role: "follower", status: "connecting" });
    this.tabs.start();
    this.tabs.post({ k: "hello", from: this.tabs.id });
    this.tabs.post({ k: "want", from: this.tabs.id, channels: this.own() });
    this.leaderHeard = Date.now();
    this.timers.push(setInterval(() => this.checkLeader(), 5_000));
  }

  private shut(): void {
    this.link?.stop();
    this.link = undefined;
    this.tabs?.close();
    this.tabs = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    clearTimeout(this.unionTimer);
    clearTimeout(this.shrinkTimer);
    this.wants.clear();
    this.followers.clear();
    this.cursor = null;
    this.identity = "";
  }

  private startLink(): void {
    const backoff = { ...DEFAULT_BACKOFF, ...this.o.backoff };
    this.link = new Link(
      {
        session: this.o.session,
        base: this.o.session.base,
        known: this.known,
        transport: this.o.transport ?? "auto",
        backoff,
        connectTimeoutMs: this.o.connectTimeoutMs ?? 10_000,
        heartbeatMs: this.o.heartbeatMs ?? 12_000,
      },
      {
        channels: () => (this.requested = this.wanted()),
        lastEventId: () => (this.cursor ? formatId(this.cursor) : null),
        message: (m) => this.handle(m, true),
        state: (s) => this.linkState(s),
      },
    );
    this.link.start();
  }

  private lead(): void {
    this.update({ role: "leader" });
    this.tabs?.post({ k: "leader", from: this.tabs.id });
    // Followers answer with their channels; connect once they had a moment to.
    this.timers.push(setTimeout(() => this.tabs?.leader && !this.link && this.startLink(), UNION_DEBOUNCE_MS));
  }

  private demoted(): void {
    this.link?.stop();
    this.link = undefined;
    this.wants.clear();
    this.followers.clear();
    this.update({ role: "follower" });
    this.leaderHeard = Date.now();
    if (this.tabs) this.tabs.post({ k: "hello", from: this.tabs.id });
  }

  private checkLeader(): void {
    if (this.info.role !== "follower" || !isOnline()) return;
    if (Date.now() - this.leaderHeard > LEADER_SILENT_MS) this.tabs?.steal();
  }

  // --- channels ------------------------------------------------------------------------------

  /** This tab's channels (what its subscriptions ask for and its role may read). */
  private own(): string[] {
    return union([...this.subs].map((s) => readable(s.patterns, this.o.session.state.user?.role)));
  }

  /** What the connection should carry: this tab's channels and, as leader, the followers'. */
  private wanted(): string[] {
    const all = union([this.own(), ...this.wants.values()]);
    return all.length ? all : ["system"];
  }

  private channelsChanged(): void {
    clearTimeout(this.unionTimer);
    this.unionTimer = setTimeout(() => {
      if (this.info.role === "follower") {
        if (this.tabs) this.tabs.post({ k: "want", from: this.tabs.id, channels: this.own() });
        return;
      }
      if (!this.link) return;
      const next = this.wanted();
      if (!coveredBy(next, this.requested)) {
        clearTimeout(this.shrinkTimer);
        this.link.restart();
      } else if (!coveredBy(this.requested, next)) {
        // Fewer channels: no hurry (extra events are harmless), and navigation often brings them back.
        clearTimeout(this.shrinkTimer);
        this.shrinkTimer = setTimeout(() => {
          if (this.link && !coveredBy(this.requested, this.wanted())) this.link.restart();
        }, SHRINK_AFTER_MS);
      }
    }, UNION_DEBOUNCE_MS);
  }

  private runLoaders(): Promise<unknown> {
    const gen = this.gen;
    const role = this.o.session.state.user?.role;
    const due = [...this.subs].filter(
      (s) =>
        s.loader &&
        s.loadedGen !== gen &&
        gen > 0 &&
        readable(s.patterns, role).length > 0 &&
        coveredBy(readable(s.patterns, role), this.info.channels),
    );
    return Promise.allSettled(
      due.map((s) => {
        s.loadedGen = gen;
        return s.loader!().catch((err: unknown) => {
          s.loadedGen = -1; // try again with the next connection
          this.update({
            error: { code: "snapshot_failed", message: (err as Error).message ?? String(err), at: Date.now() },
          });
          throw err;
        });
      }),
    );
  }

  // --- what arrives ---------------------------------------------------------------------------

  /** A protocol message from our own link (`own`) or relayed by the leader tab. */
  private handle(m: Incoming, own: boolean): void {
    // A follower announces itself (hello) before it asks for the leader's state, so relaying from
    // then on misses nothing it needs.
    const relay = own && this.tabs?.leader && this.followers.size > 0 ? this.tabs : undefined;
    switch (m.kind) {
      case "event":
        return this.accept(m.ev, m.at, relay);
      case "snapshot":
        this.stats.counts.snapshots++;
        relay?.post({ k: "snapshot", from: relay.id, evs: [m.ev] });
        return this.dispatcher.emit(m.ev, { snapshot: true, at: localNow() });
      case "connected": {
        // One-way only: a connect's round trip (handshake, auth) is too long to locate the stamp.
        if (own && Number.isFinite(m.info.serverTime)) this.stats.clock.oneWay(m.info.serverTime, m.at);
        if (own && ++this.connections > 1) this.stats.counts.reconnects++;
        this.liveFrom = parseId(m.info.head);
        const hadCursor = this.cursor !== null;
        const resumed = this.cursor !== null && m.info.resumed === formatId(this.cursor);
        if (this.cursor === null) {
          this.cursor = parseId(m.info.head);
          this.gen++;
        }
        relay?.post({ k: "connected", from: relay.id, info: m.info });
        this.update({ channels: m.info.channels, lastEventId: this.cursor ? formatId(this.cursor) : null });
        // Not resumed although we had a position: a reset follows, and reloads everything then.
        if (!own || !hadCursor || resumed) void this.runLoaders();
        return;
      }
      case "reset":
        relay?.post({ k: "reset", from: relay.id, info: m.info });
        this.cursor = parseId(m.info.head);
        this.stats.reset(m.info.reason);
        return this.resync(m.info.reason);
      case "heartbeat": {
        if (m.t !== undefined) this.stats.clock.oneWay(m.t, m.at);
        const head = parseId(m.head);
        if (head && this.cursor && compareToCursor(head, this.cursor) === "new") this.cursor = head;
        relay?.post({ k: "heartbeat", from: relay.id, head: m.head, ...(m.t !== undefined ? { t: m.t } : {}) });
        if (relay) this.postState();
        return;
      }
      case "clock":
        this.stats.clock.roundTrip(m.askedAt, m.serverTime, m.at);
        return;
      case "shutdown":
        return;
      case "bad":
        if (m.why === "malformed") this.stats.counts.malformed++;
        else this.stats.counts.unknown++;
        return;
    }
  }

  private accept(ev: StreamEvent, at: number, relay: TabGroup | undefined): void {
    const id = parseId(ev.id)!;
    const rel = compareToCursor(id, this.cursor);
    if (rel === "old") {
      this.stats.counts.duplicates++;
      return;
    }
    this.cursor = id;
    relay?.relayEvent(ev);
    if (rel === "epoch") {
      // A new epoch without a reset first: the numbering restarted, state may be stale.
      this.stats.reset("epoch");
      this.resync("epoch");
    }
    const live = this.liveFrom;
    this.stats.event(ev, at, live !== null && id.epoch === live.epoch && id.seq <= live.seq);
    this.dispatcher.emit(ev, { snapshot: false, at });
  }

  private resync(reason: string): void {
    this.gen++;
    this.resyncs++;
    this.emitNotice({ kind: "resync", reason });
    this.update({});
    void this.runLoaders().finally(() => {
      this.resyncs--;
      this.update({});
      this.emitNotice({ kind: "resynced", reason });
    });
  }

  private fromTab(m: TabMessage): void {
    const tabs = this.tabs;
    if (!tabs) return;
    if (tabs.leader) {
      if (m.k === "hello") {
        this.followers.add(m.from);
        this.postState();
      } else if (m.k === "want") {
        this.followers.add(m.from);
        this.wants.set(m.from, m.channels);
        this.channelsChanged();
      } else if (m.k === "bye") {
        this.followers.delete(m.from);
        this.wants.delete(m.from);
        this.channelsChanged();
      }
      return;
    }
    this.leaderHeard = Date.now();
    const at = localNow();
    const lead = m as FromLeader;
    switch (lead.k) {
      case "leader":
        this.wants.clear();
        return tabs.post({ k: "want", from: tabs.id, channels: this.own() });
      case "state":
        this.stats.clock.adopt(lead.offset);
        if (this.cursor === null && lead.cursor !== null) {
          this.cursor = parseId(lead.cursor);
          this.gen++;
        }
        this.update({ status: lead.status, transport: lead.transport, channels: lead.channels, error: lead.error });
        void this.runLoaders();
        return;
      case "connected":
        return this.handle({ kind: "connected", info: lead.info, at }, false);
      case "events":
        for (const ev of lead.evs) this.accept(ev, at, undefined);
        return;
      case "snapshot":
        for (const ev of lead.evs) this.handle({ kind: "snapshot", ev }, false);
        return;
      case "reset":
        return this.handle({ kind: "reset", info: lead.info }, false);
      case "heartbeat":
        return this.handle({ kind: "heartbeat", head: lead.head, at }, false);
    }
  }

  // --- status -----------------------------------------------------------------------------------

  private linkState(s: LinkState): void {
    const status: StreamStatus =
      s.phase === "open"
        ? "live"
        : s.phase === "offline" || s.phase === "stopped" || s.failures >= 2
          ? "offline"
          : "connecting";
    this.update({ status, transport: s.transport, error: s.error, retryAt: s.retryAt });
  }

  private update(p: Partial<ClientInfo>): void {
    const next = { ...this.info, ...p, lastEventId: this.cursor ? formatId(this.cursor) : null };
    // Resyncing overlays a live connection while snapshots load.
    if (next.status === "live" && this.resyncs > 0) next.status = "resyncing";
    if (next.status === "resyncing" && this.resyncs === 0) next.status = "live";
    const changed = (Object.keys(next) as Array<keyof ClientInfo>).some((k) => next[k] !== this.info[k]);
    this.info = next;
    if (!changed) return;
    if (this.tabs?.leader && this.link) this.postState();
    for (const fn of [...this.statusFns]) fn(this.info);
  }

  private postState(): void {
    const t = this.tabs;
    if (!t?.leader) return;
    const i = this.info;
    t.post({
      k: "state",
      from: t.id,
      status: i.status,
      channels: i.channels,
      cursor: i.lastEventId,
      offset: this.stats.clock.offset,
      transport: i.transport,
      error: i.error,
    });
  }

  private emitNotice(n: Notice): void {
    for (const fn of [...this.noticeFns]) fn(n);
  }
}
