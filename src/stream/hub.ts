// The stream hub: a consumer of the bus reader's batches that fans each one out to every
// stream client by cursor and channel filter, with bytes encoded once per batch and filter.
//
// - Each batch (events taken off the ring once, by the bus reader) goes to each client as ONE
//   write. Clients with the same filter share the same bytes.
// - A client whose transport pushes back is "blocked": the hub skips it and keeps no queue
//   for it. When its transport drains, it catches up from the bus reader's window (the ring's
//   contents) in one write, or gets `reset` when it fell out of the window or lags more than
//   the pending-bytes cap. So memory per client is bounded and nobody waits for anybody.
// - A client's cursor may run ahead of the batch being fanned out (it joined after the reader
//   took events that a REST read asked for, see bus/dispatcher.ts); such a client catches up
//   from the window instead of sharing the batch's bytes, so it gets each event exactly once.
// - The hub knows nothing of the latest state: it is given `snapshots`, a function that
//   returns the state as of the reader's last take, which is the head it greets a client with.
// - Exactly once on resume, by construction: a catch-up reads the window without taking from
//   the ring (Dispatcher.since never drains), sets the cursor before it writes, and while it
//   runs for a client no other write for that client can start (`catching`).
// - Streams whose caller lost the right to them (session revoked, user deleted or changed) are
//   ended by `revoke` (stream/access.ts decides which).

import type { Principal } from "../auth/types.ts";
import type { Dispatcher } from "../bus/dispatcher.ts";
import type { BusEvent } from "../bus/ring.ts";
import { nowMs } from "../domain/time.ts";
import type { Logger } from "../log.ts";
import type { ChannelFilter } from "./channels.ts";
import type { StreamMetrics } from "./metrics.ts";
import type { Seat } from "./seats.ts";
import type { Transport } from "./transport.ts";

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

/** What the hub tells a client outside the event sequence. */
export type Control =
  | { kind: "connected"; data: Record<string, unknown> }
  | { kind: "reset"; data: { reason: string; epoch: string; head: string } }
  | { kind: "heartbeat"; data: { t: number; head: string } }
  | { kind: "shutdown"; data: { reason: string; retryMs: number } }
  | { kind: "revoked"; data: { reason: string } };

export interface StreamClient {
  readonly transport: Transport;
  /** Who opened the stream: its session and role are re-checked while it is open. */
  readonly principal?: Principal;
  /** Its place under the per-user stream cap, given back when it leaves the hub. */
  readonly seat?: Seat;
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
  /** Ends the connection from our side (a WebSocket closes with `code` when given). */
  end(reason: string, code?: number): void;
}

/** WebSocket close codes for the ends the hub chooses (README, Streams). */
export const CLOSE = { shutdown: 1012, evicted: 1008, revoked: 4401 } as const;

/** One latest-state item: the JSON text of the event that set it. */
export interface SnapshotEntry {
  seq: number;
  text: string;
}

/**
 * The latest state of the channels a filter selects, oldest first, exactly as of the bus
 * reader's last take (`Dispatcher.taken`), without taking in anything more.
 */
export type Snapshots = (filter: ChannelFilter) => SnapshotEntry[];

export interface HubOptions {
  /** The bus reader: its window (resume, catch-up) and head. */
  bus: Dispatcher;
  snapshots: Snapshots;
  log: Logger;
  metrics: StreamMetrics;
  /** Per-client cap on bytes to catch up with in one go; beyond it the client gets reset. */
  maxPendingBytes: number;
  heartbeatMs: number;
  /** A client blocked longer than this is closed. */
  stallMs?: number;
}

export class Hub {
  readonly epoch: string;
  private readonly bus: Dispatcher;
  private readonly clients = new Set<StreamClient>();
  /** Clients a catch-up is writing to right now: nothing else writes to them meanwhile. */
  private readonly catching = new Set<StreamClient>();
  /** The last sequence fanned out (what heartbeats report). */
  private sent: number;
  private heartbeat?: ReturnType<typeof setInterval>;

  constructor(private readonly opts: HubOptions) {
    this.bus = opts.bus;
    this.epoch = opts.bus.epoch;
    this.sent = opts.bus.taken;
  }

  /** Starts the heartbeat. */
  start(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs);
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }

  /** The bus reader's head after taking in what was published (read-your-writes for resume). */
  head(): number {
    return this.bus.head();
  }

  idOf(seq: number): string {
    return this.bus.idOf(seq);
  }

  /** Oldest sequence a client can still resume after (its cursor may be tail - 1). */
  windowStart(): number {
    return this.bus.windowStart();
  }

  count(transport?: Transport): number {
    if (!transport) return this.clients.size;
    let n = 0;
    for (const c of this.clients) if (c.transport === transport) n++;
    return n;
  }

  /**
   * Registers a client. A resuming client keeps its cursor and is caught up from the window.
   * A fresh (or reset) client starts at the head with the snapshot of its channels. All of it
   * happens in one synchronous step after taking in what was published, so `greet` (the
   * `connected` frame), the snapshot (state exactly as of that head) and the live events
   * after it have no gap and no duplicate. Only this client is written to.
   */
  add(client: StreamClient, opts: { fresh: boolean; greet: (head: number) => void }): void {
    const head = this.bus.head();
    if (opts.fresh) client.cursor = head;
    opts.greet(head);
    this.clients.add(client);
    client.seat?.attach();
    this.opts.metrics.connected(client.transport);
    if (opts.fresh) this.sendSnapshot(client);
    if (client.cursor < head) this.catchUp(client);
  }

  private sendSnapshot(c: StreamClient): void {
    const entries = this.opts.snapshots(c.filter);
    if (entries.length > 0) c.snapshot(entries);
  }

  remove(client: StreamClient, reason: string): void {
    client.seat?.release(); // also for a client that never joined (its stream never started)
    if (!this.clients.delete(client)) return;
    this.opts.metrics.disconnected(client.transport, reason);
  }

  /** The callers of the connected streams (one entry per stream). */
  principals(): Principal[] {
    const out: Principal[] = [];
    for (const c of this.clients) if (c.principal) out.push(c.principal);
    return out;
  }

  /**
   * Ends the streams whose caller `match` selects: each is told `revoked` with the reason (SSE
   * `event: revoked`; WebSocket a `{"type":"revoked"}` message, then close 4401) and leaves.
   * Returns how many were ended.
   */
  revoke(match: (p: Principal) => boolean, reason: string): number {
    const msg: Control = { kind: "revoked", data: { reason } };
    let n = 0;
    for (const c of [...this.clients]) {
      if (!c.principal || !match(c.principal)) continue;
      c.control(msg);
      c.end(reason, CLOSE.revoked);
      this.remove(c, "revoked");
      n++;
    }
    return n;
  }

  /** The transport drained: write what the client missed while blocked. */
  unblock(client: StreamClient): void {
    client.blocked = false;
    if (this.clients.has(client) && client.cursor < this.bus.taken) this.catchUp(client);
  }

  /** Tells every client to come back later, then ends their streams. */
  shutdown(retryMs: number): void {
    const msg: Control = { kind: "shutdown", data: { reason: "server shutting down", retryMs } };
    for (const c of [...this.clients]) {
      c.control(msg);
      c.end("shutdown", CLOSE.shutdown);
      this.remove(c, "shutdown");
    }
  }

  /**
   * The batch consumer: hands one batch (consecutive events, in order) to every client that is
   * not blocked, one write each. Returns how many clients took the batch's bytes (the bus
   * reader's batching follows it).
   */
  fanOut(events: BusEvent[]): number {
    const t0 = nowMs();
    const m = this.opts.metrics;
    const first = events[0]!.seq;
    const last = events[events.length - 1]!.seq;
    this.sent = last;
    // Per filter: the selection, and how many clients took it (metrics once per batch).
    const groups = new Map<string, { sel: Selection; sse: number; ws: number }>();
    const stallMs = this.opts.stallMs;
    for (const c of this.clients) {
      if (c.blocked) {
        if (stallMs && t0 - c.blockedSince > stallMs) this.evict(c, "stalled");
        continue;
      }
      if (this.catching.size > 0 && this.catching.has(c)) continue; // its catch-up writes it all
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
    return writes;
  }

  /** A write outside the batch loop (catch-up). */
  private write(c: StreamClient, sel: Selection): void {
    this.opts.metrics.wrote(c.transport, sel.size(), sel.events.length);
    if (!c.send(sel)) {
      c.blocked = true;
      c.blockedSince = nowMs();
    }
  }

  /**
   * Writes what the client has not had from the window, in one write. Never nested for one
   * client: the window read and the write run with the client in `catching`, so a fan-out
   * started meanwhile (however it came to run) skips it instead of writing a block twice.
   */
  private catchUp(c: StreamClient): void {
    if (c.blocked || this.catching.has(c)) return;
    this.catching.add(c);
    try {
      const got = this.bus.since(c.cursor, c.filter, Number.MAX_SAFE_INTEGER);
      if (!got) return this.reset(c, "overrun");
      c.cursor = got.last;
      if (got.events.length === 0) return;
      const sel = new Selection(got.events);
      if (sel.size() > this.opts.maxPendingBytes) return this.reset(c, "lagging");
      this.write(c, sel);
    } finally {
      this.catching.delete(c);
    }
  }

  /** Moves the client to the reader's head with a new snapshot (state as of that head). */
  private reset(c: StreamClient, reason: "overrun" | "lagging"): void {
    this.opts.metrics.reset(c.transport, reason);
    c.cursor = this.bus.taken;
    c.control({ kind: "reset", data: { reason, epoch: this.epoch, head: this.idOf(c.cursor) } });
    this.sendSnapshot(c);
  }

  private evict(c: StreamClient, reason: string): void {
    this.opts.log.warn("stream client evicted", { transport: c.transport, reason });
    c.end(reason, CLOSE.evicted);
    this.remove(c, reason);
  }

  private beat(): void {
    const msg: Control = { kind: "heartbeat", data: { t: Date.now(), head: this.idOf(this.sent) } };
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
