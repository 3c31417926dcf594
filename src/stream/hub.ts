// The stream hub: the main thread's one reader of the bus, fanning each batch out to every
// stream client by cursor and channel filter, with bytes encoded once per batch and filter.
//
// - One drain per wake-up reads every new event (one copy out of the ring), then each client
//   gets ONE write for the whole batch. Clients with the same filter share the same bytes.
// - A client whose transport pushes back is "blocked": the hub skips it and keeps no queue
//   for it. When its transport drains, it catches up from the hub's window (the ring's
//   contents) in one write, or gets `reset` when it fell out of the window or lags more than
//   the pending-bytes cap. So memory per client is bounded and nobody waits for anybody.
// - The window: `cache` mirrors ring slots the hub has read; an entry is valid while its
//   sequence is still inside the ring (seq >= ring tail).
import { eventJson, RingReader, type BusEvent, type RingHandle } from "../bus/ring.ts";
import { nowMs } from "../domain/time.ts";
import type { Logger } from "../log.ts";
import type { ChannelFilter } from "./channels.ts";
import type { StreamMetrics } from "./metrics.ts";

export type Transport = "sse" | "ws" | "poll";

/** A fan-out to this many clients or more is batched fully under load; fewer, proportionally less. */
const BATCH_FULL_CLIENTS = 100;

type CpuUsage = { user: number; system: number };
const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => CpuUsage }).threadCpuUsage;
/** CPU time of this thread (Bun: process.threadCpuUsage), else of the process, in ms. */
function threadCpuMs(): number {
  const u = threadCpuUsage ? threadCpuUsage.call(process) : process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Events one filter selected from a batch; encodings are made on first use and shared. */
export class Selection {
  private _bytes?: Uint8Array;
  private _size = -1;
  constructor(readonly events: BusEvent[]) {}
  /** SSE: the frames back to back. */
  bytes(): Uint8Array {
    if (this._bytes) return this._bytes;
    const evs = this.events;
    if (evs.length === 1) return (this._bytes = evs[0]!.frame);
    const out = new Uint8Array(this.size());
    let p = 0;
    for (const e of evs) {
      out.set(e.frame, p);
      p += e.frame.length;
    }
    return (this._bytes = out);
  }
  size(): number {
    if (this._size < 0) this._size = this.events.reduce((n, e) => n + e.frame.length, 0);
    return this._size;
  }
}

/** The JSON text of an event, decoded once and kept on the event. */
export function textOf(ev: BusEvent & { text?: string }): string {
  return (ev.text ??= eventJson(ev));
}

/** What the hub tells a client outside the event sequence. */
export type Control =
  | { kind: "connected"; data: Record<string, unknown> }
  | { kind: "reset"; data: { reason: string; epoch: string; head: string } }
  | { kind: "heartbeat"; data: { t: number; head: string } }
  | { kind: "shutdown"; data: { reason: string; retryMs: number } };

export interface StreamClient {
  readonly transport: Transport;
  filter: ChannelFilter;
  /** Last sequence this client has been given (or skipped by its filter). */
  cursor: number;
  /** True while the transport pushes back; the hub does not write then. */
  blocked: boolean;
  blockedSince: number;
  /** Writes the selection; returns false when the transport is now backed up. */
  send(sel: Selection): boolean;
  control(msg: Control): void;
  /** The latest state of the client's channels (fresh start or after a reset). */
  snapshot(entries: SnapshotEntry[]): void;
  /** Ends the connection from our side. */
  end(reason: string): void;
}

/** One latest-state item: the JSON text of the event that set it. */
export interface SnapshotEntry {
  seq: number;
  text: string;
}

export interface HubOptions {
  ring: RingHandle;
  log: Logger;
  metrics: StreamMetrics;
  /** Per-client cap on bytes to catch up with in one go; beyond it the client gets reset. */
  maxPendingBytes: number;
  heartbeatMs: number;
  /** A client blocked longer than this is closed. */
  stallMs?: number;
  /**
   * Batching under load: the longest a batch waits for more events when the main thread is
   * fully busy (0: only events that arrive during a fan-out are folded into the next one).
   */
  coalesceMs?: number;
  /** Main-thread CPU share (0..1) above which batching starts. */
  batchLoad?: number;
}

export class Hub {
  readonly reader: RingReader;
  readonly epoch: string;
  private cursor: number;
  private readonly cache: Array<BusEvent | undefined>;
  private readonly mask: number;
  /** Cache entries below this sequence are cleared (they left the ring: no longer resumable). */
  private cacheFloor = 1;
  private readonly clients = new Set<StreamClient>();
  private readonly listeners = new Set<(events: BusEvent[]) => void>();
  private running = false;
  private draining = false;
  private drainQueued = false;
  private lastDrainEnd = 0;
  private lastDrainStart = 0;
  /** Clients the last fan-out wrote to (including polls answered by a batch listener). */
  private lastWrites = 0;
  private listenerWrites = 0;
  private readonly coalesceMs: number;
  private readonly batchLoad: number;
  /** Main-thread CPU share, smoothed over ~100 ms; sampled from kick(). */
  private load = 0;
  private loadAt = 0;
  private loadCpuMs = 0;
  private heartbeat?: ReturnType<typeof setInterval>;
  /** Latest state per channel for snapshots (set by the state store). */
  snapshots?: (filter: ChannelFilter) => SnapshotEntry[];

  constructor(private readonly opts: HubOptions) {
    this.reader = new RingReader(opts.ring);
    this.epoch = this.reader.epoch;
    this.cursor = this.reader.head();
    this.cache = new Array(this.reader.capacity);
    this.mask = this.reader.capacity - 1;
    this.coalesceMs = opts.coalesceMs ?? 20;
    this.batchLoad = Math.min(0.95, opts.batchLoad ?? 0.3);
  }

  /** Starts waiting on the ring (cross-thread producers) and the heartbeat. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs);
  }

  stop(): void {
    this.running = false;
    clearInterval(this.heartbeat);
  }

  /**
   * Something was published. Fan out at once unless the hub is busy: then wait until the
   * interval after the last drain began, so events that come close together go out as one
   * batch (one write per client instead of one per event). The interval follows the load:
   * - twice the last fan-out's duration (fan-outs take at most half of the thread's time);
   * - and once the main thread's CPU share passes `batchLoad`, up to `coalesceMs` as it
   *   approaches 100%, scaled down when the last fan-out wrote to fewer than 100 clients.
   * So a lone order event or a quiet market goes out at once, and a million deliveries a second
   * go out as a hundred or so batches per client: latency when idle, throughput (fewer system
   * calls on both ends) when busy.
   */
  kick(): void {
    if (this.drainQueued) return;
    const now = nowMs();
    if (now - this.loadAt >= 10) this.sampleLoad(now);
    // Waiting saves writes in proportion to the clients a fan-out writes to: a busy thread with
    // few clients (an order placed at a time, its event to one dashboard) gains nothing by it.
    const over = ((this.load - this.batchLoad) / (1 - this.batchLoad)) * Math.min(1, this.lastWrites / BATCH_FULL_CLIENTS);
    const interval = Math.max(2 * (this.lastDrainEnd - this.lastDrainStart), over > 0 ? over * this.coalesceMs : 0);
    if (!this.draining && now - this.lastDrainStart >= interval) {
      this.drain();
      return;
    }
    this.drainQueued = true;
    const wait = interval - (now - this.lastDrainStart);
    if (wait >= 0.5) setTimeout(this.queuedDrain, wait);
    else setImmediate(this.queuedDrain);
  }

  /** The main thread's CPU share since the last sample, smoothed over ~100 ms. */
  private sampleLoad(now: number): void {
    const cpu = threadCpuMs();
    const dt = now - this.loadAt;
    const cur = Math.min(1, Math.max(0, (cpu - this.loadCpuMs) / dt));
    this.load = dt >= 100 ? cur : this.load + (cur - this.load) * (dt / 100);
    this.loadAt = now;
    this.loadCpuMs = cpu;
  }

  private readonly queuedDrain = () => {
    this.drainQueued = false;
    this.drain();
  };

  /**
   * The last sequence the hub has read. Reading it first takes in whatever was published but
   * not yet fanned out (a drain may be waiting to batch), so an id a publisher was just given
   * is always inside the window: read-your-writes for resume, polls and snapshots.
   */
  head(): number {
    this.sync();
    return this.cursor;
  }

  /** Drains now if the ring is ahead of the hub (no-op inside a drain). */
  sync(): void {
    if (!this.draining && this.reader.head() > this.cursor) this.drain();
  }

  idOf(seq: number): string {
    return `${this.epoch}-${seq}`;
  }

  /** Oldest sequence a client can still resume after (its cursor may be tail - 1). */
  windowStart(): number {
    return this.reader.tail() - 1;
  }

  count(transport?: Transport): number {
    if (!transport) return this.clients.size;
    let n = 0;
    for (const c of this.clients) if (c.transport === transport) n++;
    return n;
  }

  /** A batch listener answered `n` clients (polls): counted with the fan-out's writes. */
  noteWrites(n: number): void {
    this.listenerWrites += n;
  }

  /** In-process readers (state, recorder, strategies) get every batch in order. */
  onBatch(fn: (events: BusEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Registers a client. A resuming client keeps its cursor and is caught up from the window.
   * A fresh (or reset) client starts at the head with the snapshot of its channels. All of it
   * happens in one synchronous step after taking in what was published, so `greet` (the
   * `connected` frame), the snapshot (state exactly as of that head) and the live events
   * after it have no gap and no duplicate.
   */
  add(client: StreamClient, opts: { fresh: boolean; greet: (head: number) => void }): void {
    this.sync();
    if (opts.fresh) client.cursor = this.cursor;
    opts.greet(this.cursor);
    this.clients.add(client);
    this.opts.metrics.connected(client.transport);
    if (opts.fresh) this.sendSnapshot(client);
    if (client.cursor < this.cursor) this.catchUp(client);
  }

  private sendSnapshot(c: StreamClient): void {
    const entries = this.snapshots?.(c.filter);
    if (entries && entries.length > 0) c.snapshot(entries);
  }

  remove(client: StreamClient, reason: string): void {
    if (!this.clients.delete(client)) return;
    this.opts.metrics.disconnected(client.transport, reason);
  }

  /** The transport drained: write what the client missed while blocked. */
  unblock(client: StreamClient): void {
    client.blocked = false;
    if (this.clients.has(client) && client.cursor < this.cursor) this.catchUp(client);
  }

  /** Events after `after` that the filter selects, from the window; null if outside it. */
  since(after: number, filter: ChannelFilter, limit: number): { events: BusEvent[]; last: number } | null {
    this.sync();
    if (after < this.windowStart() || after > this.cursor) return null;
    const events: BusEvent[] = [];
    let s = after + 1;
    for (; s <= this.cursor && events.length < limit; s++) {
      const ev = this.cache[s & this.mask];
      if (!ev || ev.seq !== s) return null;
      if (filter.matches(ev.channel)) events.push(ev);
    }
    return { events, last: s - 1 };
  }

  /** Tells every client to come back later, then ends their streams. */
  shutdown(retryMs: number): void {
    const msg: Control = { kind: "shutdown", data: { reason: "server shutting down", retryMs } };
    for (const c of [...this.clients]) {
      c.control(msg);
      c.end("shutdown");
      this.remove(c, "shutdown");
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.reader.wait(1000);
      if (this.reader.head() > this.cursor) this.kick();
    }
  }

  /** Reads everything new, fans it out. Runs to completion; re-entrant calls are folded. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.lastDrainStart = nowMs();
    try {
      for (let rounds = 0; rounds < 64; rounds++) {
        const got = this.reader.read(this.cursor, 8192);
        if (got.overrun) this.opts.metrics.hubOverrun();
        if (got.events.length === 0) {
          this.cursor = Math.max(this.cursor, got.last);
          break;
        }
        this.fanOut(got.events, got.last);
      }
    } catch (err) {
      this.opts.log.error("hub drain failed", { err });
    } finally {
      this.draining = false;
      this.lastDrainEnd = nowMs();
    }
  }

  private fanOut(events: BusEvent[], last: number): void {
    const t0 = nowMs();
    const m = this.opts.metrics;
    for (const ev of events) {
      this.cache[ev.seq & this.mask] = ev;
      m.stage("ingest", ev.pubTs - ev.rxTs);
      m.stage("bus", t0 - ev.pubTs);
    }
    const first = events[0]!.seq;
    this.cursor = last;
    // Per filter: the selection, and how many clients took it (metrics once per batch).
    const groups = new Map<string, { sel: Selection; sse: number; ws: number }>();
    const stallMs = this.opts.stallMs;
    for (const c of this.clients) {
      if (c.blocked) {
        if (stallMs && t0 - c.blockedSince > stallMs) this.evict(c, "stalled");
        continue;
      }
      if (c.cursor !== first - 1) {
        this.catchUp(c);
        continue;
      }
      const key = c.filter.key;
      let g = groups.get(key);
      if (!g) {
        const f = c.filter;
        g = { sel: new Selection(events.filter((e) => f.matches(e.channel))), sse: 0, ws: 0 };
        groups.set(key, g);
      }
      c.cursor = last;
      if (g.sel.events.length === 0) continue;
      if (c.transport === "sse") g.sse++;
      else g.ws++;
      if (!c.send(g.sel)) {
        c.blocked = true;
        c.blockedSince = t0;
      }
    }
    let writes = 0;
    for (const g of groups.values()) {
      if (g.sse) m.wrote("sse", g.sel.size() * g.sse, g.sel.events.length * g.sse);
      if (g.ws) m.wrote("ws", g.sel.size() * g.ws, g.sel.events.length * g.ws);
      writes += g.sse + g.ws;
    }
    for (const fn of this.listeners) {
      try {
        fn(events);
      } catch (err) {
        this.opts.log.error("batch listener failed", { err });
      }
    }
    this.lastWrites = writes + this.listenerWrites;
    this.listenerWrites = 0;
    this.trimCache();
    const t1 = nowMs();
    m.stage("write", t1 - events[events.length - 1]!.pubTs);
    m.batch(events.length, t1 - t0);
  }

  /**
   * Drops cached events that the ring has overwritten, so the cache holds no more than the
   * ring's window (BUS_BYTES), not `capacity` events of any size. Amortized one slot per event.
   */
  private trimCache(): void {
    const tail = this.reader.tail();
    if (tail - this.cacheFloor > this.cache.length) this.cacheFloor = tail - this.cache.length;
    for (; this.cacheFloor < tail; this.cacheFloor++) {
      const i = this.cacheFloor & this.mask;
      if (this.cache[i]?.seq === this.cacheFloor) this.cache[i] = undefined;
    }
  }

  /** A write outside the batch loop (catch-up). */
  private write(c: StreamClient, sel: Selection): void {
    this.opts.metrics.wrote(c.transport, sel.size(), sel.events.length);
    if (!c.send(sel)) {
      c.blocked = true;
      c.blockedSince = nowMs();
    }
  }

  private catchUp(c: StreamClient): void {
    if (c.blocked) return;
    const cap = this.opts.maxPendingBytes;
    const got = this.since(c.cursor, c.filter, Number.MAX_SAFE_INTEGER);
    if (!got) return this.reset(c, "overrun");
    c.cursor = got.last;
    if (got.events.length === 0) return;
    const sel = new Selection(got.events);
    if (sel.size() > cap) return this.reset(c, "lagging");
    this.write(c, sel);
  }

  private reset(c: StreamClient, reason: "overrun" | "lagging"): void {
    this.opts.metrics.reset(c.transport, reason);
    c.cursor = this.cursor;
    c.control({ kind: "reset", data: { reason, epoch: this.epoch, head: this.idOf(this.cursor) } });
    this.sendSnapshot(c);
  }

  private evict(c: StreamClient, reason: string): void {
    this.opts.log.warn("stream client evicted", { transport: c.transport, reason });
    c.end(reason);
    this.remove(c, reason);
  }

  private beat(): void {
    const msg: Control = { kind: "heartbeat", data: { t: Date.now(), head: this.idOf(this.cursor) } };
    const now = nowMs();
    for (const c of [...this.clients]) {
      if (c.blocked) {
        if (this.opts.stallMs && now - c.blockedSince > this.opts.stallMs) this.evict(c, "stalled");
        continue;
      }
      c.control(msg);
    }
  }
}
