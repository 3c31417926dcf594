// The OKX client, the ingest thread's core: OKX connections, the feeds that turn their pushes
// into normalized events, each event encoded once and published into the ring; trade ops;
// status. Runs inside a Worker (worker.ts); everything it tells the main thread goes through
// `post`. With credentials there are two such threads (see IngestRole): market data, and the
// private connection with the trade ops, so an order's answer never waits behind a burst of
// book updates.
import { RingFullError, type RingHandle, RingProducer } from "../bus/ring.ts";
import type { Normalized } from "../domain/events.ts";
import { nowMs } from "../domain/time.ts";
import type { IngestConfig } from "./config.ts";
import { instTypeOf } from "./okx/instruments.ts";
import { MarketFeed, type Sink } from "./okx/market-feed.ts";
import { type Frame, safeMsg } from "./okx/parse-frame.ts";
import { PrivateFeed } from "./okx/private-feed.ts";
import { OkxRest } from "./okx/rest.ts";
import { type ConnName, type ConnState, type LogFn, OkxSocket } from "./okx/socket.ts";
import { TradeOps } from "./okx/trade-ops.ts";
import type { ConnStatus, FromWorker, IngestRole, IngestStatus, ToWorker } from "./protocol.ts";

export class OkxClient {
  private readonly producer: RingProducer;
  private readonly sockets: Partial<Record<ConnName, OkxSocket>> = {};
  /** Public + business connections (roles "market" and "all"). */
  private readonly market: MarketFeed | null = null;
  private readonly priv: PrivateFeed | null = null;
  private readonly ops: TradeOps;
  private readonly log: LogFn;
  private malformed = 0;
  private events = 0;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private statusSoon: ReturnType<typeof setTimeout> | null = null;
  private reconcileRetry: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(
    ring: RingHandle,
    readonly cfg: IngestConfig,
    private readonly post: (msg: FromWorker) => void,
    producerId: number,
    /** Which connections this thread runs: see IngestRole. */
    role: IngestRole,
  ) {
    this.producer = new RingProducer(ring, producerId, "exchange");
    this.log = (level, msg, fields) => post({ t: "log", level, msg, ...(fields ? { fields } : {}) });
    const sink: Sink = { publish: (ev, rxTs) => this.publish(ev, rxTs), malformed: (r) => this.onMalformed(r) };
    const rest = new OkxRest({
      baseUrl: cfg.restUrl,
      credentials: cfg.credentials,
      demo: cfg.demo,
      timeoutMs: cfg.timing.restTimeoutMs,
    });
    const wsUrl = (name: ConnName) => `${cfg.wsUrl}/${name}`;
    const socket = (name: ConnName, withLogin: boolean) =>
      new OkxSocket({
        name,
        url: wsUrl(name),
        credentials: withLogin ? cfg.credentials : null,
        timing: cfg.timing,
        onFrame: (f, rxTs) => this.onFrame(name, f, rxTs),
        onState: (s) => this.onState(name, s),
        onMalformed: (r) => this.onMalformed(`${name}: ${r}`),
        log: this.log,
      });

    if (role !== "trade") {
      const pub = (this.sockets.public = socket("public", false));
      this.market = new MarketFeed({
        instruments: cfg.instruments,
        book: cfg.book,
        publishDepth: cfg.publishDepth,
        candle: cfg.candle,
        sink,
        resubscribe: (arg) => pub.resubscribe(arg),
      });
      const subs = this.market.subscriptions();
      pub.subscribe(subs.public);
      if (subs.business.length) this.sockets.business = socket("business", false);
      this.sockets.business?.subscribe(subs.business);
    }
    if (cfg.credentials && role !== "market") {
      this.priv = new PrivateFeed({
        channels: cfg.privateChannels,
        sink,
        rest,
        log: this.log,
        now: nowMs,
        derivatives: cfg.tradable.filter((i) => instTypeOf(i) === "SWAP" || instTypeOf(i) === "FUTURES"),
      });
      this.sockets.private = socket("private", true);
      this.sockets.private.subscribe(this.priv.subscriptions());
    }
    this.ops = new TradeOps({
      socket: this.sockets.private ?? null,
      rest,
      timeoutMs: cfg.timing.opTimeoutMs,
      reply: post,
    });
  }

  start(): void {
    this.running = true;
    for (const s of Object.values(this.sockets)) s.start();
    this.statusTimer = setInterval(() => this.sendStatus(), 1000);
    this.sendStatus();
  }

  onMessage(msg: ToWorker): void {
    if (msg.t === "op") this.ops.submit(msg.id, msg.req);
    else if (msg.t === "stop") this.stop();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const s of Object.values(this.sockets)) s.stop();
    this.ops.onDisconnected();
    this.market?.stop();
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.statusSoon) clearTimeout(this.statusSoon);
    if (this.reconcileRetry) clearTimeout(this.reconcileRetry);
    this.sendStatus();
    this.post({ t: "stopped" });
  }

  status(): IngestStatus {
    const connections: IngestStatus["connections"] = {};
    for (const [name, s] of Object.entries(this.sockets) as Array<[ConnName, OkxSocket]>) {
      const c: ConnStatus = {
        state: s.state,
        connectedAt: s.connectedAt,
        lastMessageAt: s.lastMessageAt,
        reconnects: s.reconnects,
        lastError: s.lastError,
      };
      connections[name] = c;
    }
    return {
      connections,
      malformed: this.malformed,
      resyncs: this.market?.resyncs ?? 0,
      resyncing: this.market?.resyncing() ?? [],
      reconciliations: this.priv?.reconciliations ?? 0,
      events: this.events,
      tradeOps: { ...this.ops.counts },
      updatedAt: Date.now(),
      running: this.running,
    };
  }

  /** Encodes the event once (JSON of `data`) and publishes it; exTs = OKX ts, rxTs = arrival. */
  private publish(ev: Normalized, rxTs: number): void {
    try {
      this.producer.publish({
        type: ev.type,
        channel: ev.channel,
        dataJson: JSON.stringify(ev.data),
        ...(ev.exTs !== undefined ? { exTs: ev.exTs } : {}),
        rxTs,
      });
      this.events++;
    } catch (err) {
      if (!(err instanceof RingFullError)) throw err;
      this.log("error", "event too large for the ring; dropped", { type: ev.type, channel: ev.channel });
    }
  }

  private onFrame(conn: ConnName, f: Frame, rxTs: number): void {
    switch (f.kind) {
      case "push":
        if (conn === "private") this.priv?.onPush(f, rxTs);
        else this.market?.onPush(f, rxTs);
        return;
      case "op":
        if (!this.ops.onReply(f)) this.log("debug", "okx op reply nobody waits for", { id: f.id, op: f.op });
        return;
      case "error":
        if (f.id !== null && this.ops.onError(f.id, f.code, f.msg)) return;
        this.log("warn", "okx error", { conn, code: f.code, msg: safeMsg(f.msg) });
        return;
      default:
        return; // subscribe/unsubscribe acks, notices, channel-conn-count: nothing to do
    }
  }

  private onState(conn: ConnName, state: ConnState): void {
    if (state === "down") {
      if (conn === "public") this.market?.onDisconnected();
      if (conn === "private") {
        this.ops.onDisconnected();
        this.priv?.onDisconnected();
      }
    }
    if (state === "ready" && conn === "private") {
      this.reconcile();
    }
    if (state === "ready" || state === "down") {
      const s = this.sockets[conn];
      const ts = nowMs();
      this.publish(
        {
          type: "system",
          channel: "system",
          data: { kind: "connection", conn, state: state === "ready" ? "up" : "down", error: s?.lastError ?? null, ts },
        },
        ts,
      );
    }
    this.statusChanged();
  }

  /** Reconciles open orders; on failure tries again while the private connection stays up. */
  private reconcile(): void {
    if (this.reconcileRetry) clearTimeout(this.reconcileRetry);
    this.reconcileRetry = null;
    this.priv?.reconcile().then(
      () => this.statusChanged(),
      (err: Error) => {
        this.log("warn", "okx orders reconciliation failed; retrying", { error: err.message });
        if (this.running && this.sockets.private?.ready)
          this.reconcileRetry = setTimeout(() => this.reconcile(), 2_000);
      },
    );
  }

  private onMalformed(reason: string): void {
    this.malformed++;
    if (this.malformed <= 10 || this.malformed % 1000 === 0)
      this.log("warn", "okx frame skipped (malformed)", { reason: reason.slice(0, 200), count: this.malformed });
    this.statusChanged();
  }

  private statusChanged(): void {
    this.statusSoon ??= setTimeout(() => {
      this.statusSoon = null;
      this.sendStatus();
    }, 20);
  }

  private sendStatus(): void {
    this.post({ t: "status", status: this.status() });
  }
}
