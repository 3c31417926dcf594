// EventClient: one object per origin that streams tradewire's events to handlers registered by
// type or channel (the component style of the original design), without gaps or duplicates:
// it keeps a cursor, drops what it has seen, refetches snapshots when the stream cannot
// continue, shares one connection among the tabs of the origin, and measures every event.
// Its parts: link.ts (the connection), receiver.ts (what arrives), continuity.ts (the cursor),
// sharing.ts (the tabs), subscriptions.ts (channels and loaders), info.ts (what the page is told).
import type { Session } from "./auth.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
import { coveredBy, union } from "./channels.ts";
import { Continuity } from "./continuity.ts";
import { Dispatcher, type DispatchMeta, type Handler } from "./dispatch.ts";
import { watchPage } from "./env.ts";
import { type ClientInfo, initialInfo, Listeners, linkStatus, type Notice, nextInfo } from "./info.ts";
import { Link } from "./link.ts";
import { knownTypes } from "./parse.ts";
import { Receiver } from "./receiver.ts";
import { type LeaderState, Sharing, UNION_DEBOUNCE_MS } from "./sharing.ts";
import { StreamStats } from "./stats.ts";
import { Subscriptions } from "./subscriptions.ts";
import { EVENT_TYPES, type StreamEvent, type StreamStatus, type TransportName, type TypeOf } from "./types.ts";

export type { ClientInfo, ClientRole, Notice } from "./info.ts";

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

const SHRINK_AFTER_MS = 5_000;

export class EventClient {
  readonly stats = new StreamStats();
  info: ClientInfo = initialInfo();
  private readonly dispatcher = new Dispatcher();
  private readonly known: ReadonlySet<string>;
  private readonly subs = new Subscriptions();
  private readonly continuity = new Continuity();
  private readonly statusFns = new Listeners<ClientInfo>();
  private readonly noticeFns = new Listeners<Notice>();
  /** Resyncs whose loaders still run: the status shows `resyncing` meanwhile. */
  private resyncs = 0;
  /** The channels the link asked for last. */
  private requested: string[] = [];
  private link: Link | undefined;
  private sharing: Sharing | undefined;
  private identity = "";
  private unionTimer: ReturnType<typeof setTimeout> | undefined;
  private shrinkTimer: ReturnType<typeof setTimeout> | undefined;
  private undo: Array<() => void> = [];
  private readonly receiver = new Receiver(this.stats, this.dispatcher, this.continuity, {
    sharing: () => this.sharing,
    connected: (channels, load) => {
      this.update({ channels });
      if (load) void this.runLoaders();
    },
    resync: (reason) => this.resync(reason),
  });

  constructor(private readonly o: EventClientOptions) {
    this.known = knownTypes(EVENT_TYPES, o.extraTypes);
    this.dispatcher.onHandlerError = () => this.stats.counts.handlerErrors++;
  }

  /** Connects while the session is signed in, and follows it (login, logout, another user). */
  start(): this {
    if (this.undo.length) return this;
    this.undo.push(this.o.session.onChange(() => this.follow()));
    this.undo.push(watchPage({ hide: () => this.sharing?.close() }));
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
    const remove = this.subs.add(patterns, load);
    this.channelsChanged();
    void this.runLoaders();
    return () => {
      if (remove()) this.channelsChanged();
    };
  }

  onStatus(fn: (i: ClientInfo) => void): () => void {
    return this.statusFns.add(fn);
  }

  onNotice(fn: (n: Notice) => void): () => void {
    return this.noticeFns.add(fn);
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
    const share = (this.o.shareTabs ?? true) && Sharing.supported();
    if (!share) {
      this.update({ role: "direct" });
      return this.startLink();
    }
    this.sharing = new Sharing(`tradewire-stream:${who}`, {
      lead: () => this.update({ role: "leader" }),
      connect: () => {
        if (!this.link) this.startLink();
      },
      demoted: () => this.demoted(),
      own: () => this.own(),
      wantsChanged: () => this.channelsChanged(),
      state: () => this.stateForFollowers(),
      leaderState: (s) => this.fromLeader(s),
      relayed: (m) => this.receiver.handle(m, false),
    });
    this.update({ role: "follower", status: "connecting" });
    this.sharing.start();
  }

  private shut(): void {
    this.link?.stop();
    this.link = undefined;
    this.sharing?.close();
    this.sharing = undefined;
    clearTimeout(this.unionTimer);
    clearTimeout(this.shrinkTimer);
    this.continuity.forget();
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
        lastEventId: () => this.continuity.lastEventId,
        message: (m) => this.receiver.handle(m, true),
        state: (s) =>
          this.update({ status: linkStatus(s), transport: s.transport, error: s.error, retryAt: s.retryAt }),
      },
    );
    this.link.start();
  }

  private demoted(): void {
    this.link?.stop();
    this.link = undefined;
    this.update({ role: "follower" });
  }

  // --- channels ------------------------------------------------------------------------------

  /** This tab's channels (what its subscriptions ask for and its role may read). */
  private own(): string[] {
    return this.subs.channels(this.o.session.state.user?.role);
  }

  /** What the connection should carry: this tab's channels and, as leader, the followers'. */
  private wanted(): string[] {
    const all = union([this.own(), ...(this.sharing?.followerChannels() ?? [])]);
    return all.length ? all : ["system"];
  }

  private channelsChanged(): void {
    clearTimeout(this.unionTimer);
    this.unionTimer = setTimeout(() => {
      if (this.info.role === "follower") {
        this.sharing?.want();
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
    return this.subs.load(this.continuity.gen, this.o.session.state.user?.role, this.info.channels, (err) =>
      this.update({
        error: { code: "snapshot_failed", message: (err as Error).message ?? String(err), at: Date.now() },
      }),
    );
  }

  // --- what arrives ---------------------------------------------------------------------------

  /** Continuity was lost (a new generation): the loaders run again, the status says resyncing. */
  private resync(reason: string): void {
    this.resyncs++;
    this.noticeFns.emit({ kind: "resync", reason });
    this.update({});
    void this.runLoaders().finally(() => {
      this.resyncs--;
      this.update({});
      this.noticeFns.emit({ kind: "resynced", reason });
    });
  }

  /** Follower: the leader's state (its connection's status, channels and cursor). */
  private fromLeader(s: LeaderState): void {
    this.stats.clock.adopt(s.offset);
    this.continuity.adopt(s.cursor);
    this.update({ status: s.status, transport: s.transport, channels: s.channels, error: s.error });
    void this.runLoaders();
  }

  // --- status -----------------------------------------------------------------------------------

  private update(p: Partial<ClientInfo>): void {
    const { next, changed } = nextInfo(this.info, p, this.continuity.lastEventId, this.resyncs);
    this.info = next;
    if (!changed) return;
    if (this.sharing?.leader && this.link) this.sharing.postState();
    this.statusFns.emit(this.info);
  }

  /** Leader: what followers are told of the connection. */
  private stateForFollowers(): LeaderState {
    const i = this.info;
    const offset = this.stats.clock.offset;
    return {
      status: i.status,
      channels: i.channels,
      cursor: i.lastEventId,
      offset,
      transport: i.transport,
      error: i.error,
    };
  }
}
