// One stream connection that keeps itself up: picks a transport (SSE, then WebSocket, then
// polling when a stream never opens although the API answers), reconnects from the last event
// id with full-jitter backoff, notices a dead link from missed heartbeats, and follows the
// page's online/offline/visibility.
import type { Session } from "./auth.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";
import { isOnline, watchPage } from "./env.ts";
import { withQuery } from "./http.ts";
import { pollTransport } from "./poll.ts";
import { sseTransport } from "./sse.ts";
import {
  endOfError,
  endOfStatus,
  errorText,
  type Incoming,
  type Transport,
  type TransportEnd,
  type TransportFactory,
} from "./transport.ts";
import type { StreamError, TransportName } from "./types.ts";
import { wsTransport } from "./ws.ts";

export type LinkPhase = "idle" | "connecting" | "open" | "waiting" | "offline" | "stopped";

export interface LinkState {
  phase: LinkPhase;
  transport: TransportName;
  /** Attempts in a row that did not open. */
  failures: number;
  /** When the next attempt starts (local ms), while waiting. */
  retryAt: number | null;
  error: StreamError | null;
}

export interface LinkOwner {
  /** The channel patterns to ask for now. */
  channels(): string[];
  /** Where to continue from. */
  lastEventId(): string | null;
  message(m: Incoming): void;
  state(s: LinkState): void;
}

export interface LinkOptions {
  session: Session;
  base: string;
  known: ReadonlySet<string>;
  transport: "auto" | TransportName;
  backoff: BackoffOptions;
  /** A stream that has not said `connected` by then counts as failed. */
  connectTimeoutMs: number;
  /** Heartbeat interval assumed until two heartbeats were seen. */
  heartbeatMs: number;
}

const ORDER: readonly TransportName[] = ["sse", "ws", "poll"];
const FACTORIES: Record<TransportName, TransportFactory> = { sse: sseTransport, ws: wsTransport, poll: pollTransport };
/** Stream attempts that failed while the API answered, before auto mode tries the next transport. */
const FAILURES_BEFORE_FALLBACK = 2;
/** No message for this many heartbeat intervals: the link is dead. */
const MISSED_HEARTBEATS = 2.5;

export class Link {
  private t: Transport | undefined;
  private opened = false;
  private failures = 0;
  private streamFailures = 0;
  private transportAt: number;
  private floorMs = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever the current attempt is abandoned, so late callbacks of old ones do nothing. */
  private gen = 0;
  private lastMessageAt = 0;
  private lastBeatAt = 0;
  private beatMs: number;
  private unwatch: (() => void) | undefined;
  state: LinkState;

  constructor(
    private readonly o: LinkOptions,
    private readonly owner: LinkOwner,
  ) {
    this.transportAt = o.transport === "auto" ? 0 : ORDER.indexOf(o.transport);
    this.beatMs = o.heartbeatMs;
    this.state = { phase: "idle", transport: ORDER[this.transportAt]!, failures: 0, retryAt: null, error: null };
  }

  start(): void {
    if (this.state.phase !== "idle" && this.state.phase !== "stopped") return;
    this.unwatch ??= watchPage({
      online: () => this.wake(),
      offline: () => this.goOffline(),
      visible: () => {
        // Timers of hidden pages are throttled: check now what they would have seen.
        if (this.state.phase === "open") this.checkAlive();
        else this.wake();
      },
    });
    this.connect();
  }

  /** Ends the connection and stays down until start(). */
  stop(error: StreamError | null = null): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.drop();
    this.set({ phase: "stopped", retryAt: null, error });
  }

  /** Reconnects now from the last id (the channels changed); no backoff. */
  restart(): void {
    if (this.state.phase === "idle" || this.state.phase === "stopped" || this.state.phase === "offline") return;
    this.drop();
    this.connect();
  }

  /** Tries now if waiting for a retry. */
  wake(): void {
    if (this.state.phase === "waiting" || this.state.phase === "offline") {
      this.failures = 0;
      this.connect();
    }
  }

  private connect(): void {
    this.drop();
    if (!isOnline()) return this.goOffline();
    const name = ORDER[this.transportAt]!;
    this.opened = false;
    this.set({ phase: "connecting", transport: name, retryAt: null });
    let t: Transport | undefined;
    const sink = {
      message: (m: Incoming) => {
        if (this.t === t) this.onMessage(m);
      },
      closed: (e: TransportEnd) => {
        if (this.t !== t) return;
        this.t = undefined;
        void this.onEnd(e);
      },
    };
    t = FACTORIES[name](
      {
        session: this.o.session,
        base: this.o.base,
        channels: this.owner.channels(),
        lastEventId: this.owner.lastEventId(),
        known: this.o.known,
      },
      sink,
    );
    this.t = t;
    this.connectTimer = setTimeout(() => {
      if (this.t !== t || this.opened) return;
      t?.close();
      this.t = undefined;
      void this.onEnd({
        code: "timeout",
        message: `no answer from the ${name} stream in ${this.o.connectTimeoutMs} ms`,
      });
    }, this.o.connectTimeoutMs);
  }

  private onMessage(m: Incoming): void {
    this.lastMessageAt = Date.now();
    switch (m.kind) {
      case "connected":
        this.opened = true;
        this.failures = 0;
        this.streamFailures = 0;
        clearTimeout(this.connectTimer);
        if (typeof m.info.retryMs === "number") this.floorMs = m.info.retryMs;
        this.lastBeatAt = 0;
        this.set({ phase: "open", error: null, failures: 0 });
        this.armWatchdog();
        break;
      case "heartbeat":
        if (m.t !== undefined) {
          const now = Date.now();
          if (this.lastBeatAt > 0) this.beatMs = Math.min(120_000, Math.max(500, now - this.lastBeatAt));
          this.lastBeatAt = now;
          this.armWatchdog(); // from now, with the interval as observed
        }
        break;
      case "shutdown":
        this.floorMs = Math.max(this.floorMs, m.retryMs);
        break;
    }
    this.owner.message(m);
  }

  private async onEnd(e: TransportEnd): Promise<void> {
    clearTimeout(this.connectTimer);
    clearTimeout(this.watchdog);
    const gen = this.gen;
    const wasOpen = this.opened;
    this.opened = false;
    const error: StreamError = { code: e.code, message: e.message, at: Date.now() };
    if (e.code === "unauthorized") {
      // The server ended the stream for this session (revoked, deleted user, changed role): ask
      // it whether the session holds. Refused, the session ends (with this reason) and so does
      // the link; still good (a new role), the connection comes back with the new identity.
      if (this.o.session.state.status === "authenticated") await this.o.session.refresh(e.message).catch(() => {});
      if (gen !== this.gen) return; // the session changed hands meanwhile: restarted or stopped
      if (this.o.session.state.status !== "authenticated") return this.stop(error);
    }
    if (e.code === "forbidden" || e.code === "bad_request") return this.stop(error);
    if (!wasOpen) {
      this.failures++;
      if ((e.code === "closed" || e.code === "timeout") && (await this.streamBlocked(error))) return;
      if (gen !== this.gen) return; // restarted or stopped meanwhile
    }
    if (e.retryMs !== undefined) this.floorMs = Math.max(this.floorMs, e.retryMs);
    if (!isOnline()) return this.goOffline();
    const delay = backoffDelay(wasOpen ? 0 : this.failures - 1, this.floorMs, this.o.backoff);
    this.set({ phase: "waiting", failures: this.failures, retryAt: Date.now() + delay, error });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * A stream that did not open: asks the API the same question as a poll. If the API answers,
   * the stream transport is what fails (a proxy): after a few such failures auto mode moves on.
   * Returns true when it stopped the link (the question itself is refused).
   */
  private async streamBlocked(error: StreamError): Promise<boolean> {
    let res: Response;
    try {
      res = await this.o.session.fetch(
        withQuery("/api/events/poll", { channels: this.owner.channels().join(","), wait: 0, limit: 1 }),
      );
    } catch (err) {
      const end = endOfError(err);
      if (end.code === "unauthorized" && this.o.session.state.status !== "authenticated") {
        this.stop({ ...error, code: end.code, message: end.message });
        return true;
      }
      return false; // the server is not answering at all: keep the transport, back off
    }
    if (res.status === 200) {
      this.streamFailures++;
      if (
        this.o.transport === "auto" &&
        this.streamFailures >= FAILURES_BEFORE_FALLBACK &&
        this.transportAt < ORDER.length - 1
      ) {
        this.transportAt++;
        this.streamFailures = 0;
        this.failures = 0;
      }
      return false;
    }
    const end = endOfStatus(res.status, await errorText(res));
    if (
      end.code === "forbidden" ||
      end.code === "bad_request" ||
      (end.code === "unauthorized" && this.o.session.state.status !== "authenticated")
    ) {
      this.stop({ code: end.code, message: end.message, at: Date.now() });
      return true;
    }
    return false;
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.checkAlive(), this.deadAfter());
  }

  private deadAfter(): number {
    return Math.max(3_000, MISSED_HEARTBEATS * this.beatMs);
  }

  private checkAlive(): void {
    if (this.state.phase !== "open") return;
    const silent = Date.now() - this.lastMessageAt;
    if (silent < this.deadAfter()) {
      clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => this.checkAlive(), this.deadAfter() - silent);
      return;
    }
    this.t?.close();
    this.t = undefined;
    void this.onEnd({ code: "timeout", message: `no heartbeat for ${Math.round(silent / 1000)} s` });
  }

  private goOffline(): void {
    this.drop();
    this.set({
      phase: "offline",
      retryAt: null,
      error: { code: "offline", message: "the network is offline", at: Date.now() },
    });
  }

  /** Closes the transport and clears timers, without a state change. */
  private drop(): void {
    this.gen++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.watchdog);
    const t = this.t;
    this.t = undefined;
    this.opened = false;
    t?.close();
  }

  private set(p: Partial<LinkState>): void {
    this.state = { ...this.state, ...p };
    this.owner.state(this.state);
  }
}
