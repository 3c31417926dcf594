// The hub as a batch consumer of the bus reader: one write per client per batch, bytes shared
// per filter, snapshots exactly as of the greeting head, catch-up and reset from the window.
import { expect, test } from "bun:test";
import type { Principal } from "../auth/types.ts";
import { type ChannelMatcher, Dispatcher } from "../bus/dispatcher.ts";
import { createRing, RingProducer } from "../bus/ring.ts";
import { createLogger } from "../log.ts";
import { Registry } from "../ops/metrics.ts";
import { ChannelFilter } from "./channels.ts";
import { type Control, Hub, type Selection, type SnapshotEntry, type StreamClient } from "./hub.ts";
import { StreamMetrics } from "./metrics.ts";
import { type Seat, Seats } from "./seats.ts";

class FakeClient implements StreamClient {
  readonly transport = "sse" as const;
  blocked = false;
  blockedSince = 0;
  cursor = 0;
  writes: Selection[] = [];
  controls: Control[] = [];
  snapshots: SnapshotEntry[][] = [];
  /** False makes the next send push back. */
  accept = true;
  ended?: { reason: string; code: number | undefined };
  constructor(
    public filter: ChannelFilter,
    readonly principal?: Principal,
    readonly seat?: Seat,
  ) {}
  send(sel: Selection): boolean {
    this.writes.push(sel);
    return this.accept;
  }
  control(msg: Control): void {
    this.controls.push(msg);
  }
  snapshot(entries: SnapshotEntry[]): void {
    this.snapshots.push(entries);
  }
  end(reason: string, code?: number): void {
    this.ended = { reason, code };
  }
  seqs(): number[] {
    return this.writes.flatMap((s) => s.events.map((e) => e.seq));
  }
}

/** The window read of the hub before the one-way refactor: it drained first (a fan-out inside a catch-up). */
class DrainingSince extends Dispatcher {
  override since(after: number, filter: ChannelMatcher, limit: number) {
    this.drain();
    return super.since(after, filter, limit);
  }
}

function setup(capacity = 64, Bus: typeof Dispatcher = Dispatcher) {
  const ring = createRing({ capacity, bytes: 1 << 16 });
  const producer = new RingProducer(ring);
  const log = createLogger("silent");
  const metrics = new StreamMetrics(new Registry());
  const bus = new Bus({ ring, metrics, log, coalesceMs: 0 });
  /** A stand-in for the latest state: the sequences taken so far. */
  const state: number[] = [];
  bus.onTake((evs) => state.push(...evs.map((e) => e.seq)));
  const hub = new Hub({
    bus,
    snapshots: () => state.map((seq) => ({ seq, text: String(seq) })),
    log,
    metrics,
    maxPendingBytes: 1 << 20,
    heartbeatMs: 60_000,
  });
  const fanned: number[] = [];
  bus.onBatch((evs) => {
    const n = hub.fanOut(evs);
    fanned.push(n);
    return n;
  });
  const pub = (channel = "tickers:BTC-USDT") => producer.publish({ type: "ticker", channel, dataJson: "{}" }).seq;
  const join = (f: ChannelFilter, fresh = true, from = 0) => {
    const c = new FakeClient(f);
    c.cursor = from;
    const heads: number[] = [];
    hub.add(c, { fresh, greet: (h) => heads.push(h) });
    return { c, head: heads[0]! };
  };
  return { bus, hub, pub, join, fanned };
}

const tickers = new ChannelFilter(["tickers:*"], "viewer");
const trades = new ChannelFilter(["trades:*"], "viewer");

test("one write per client per batch; clients with the same filter share the bytes", () => {
  const { bus, pub, join, fanned } = setup();
  const a = join(tickers).c;
  const b = join(tickers).c;
  const t = join(trades).c;
  pub();
  pub("trades:BTC-USDT");
  pub();
  bus.drain();
  expect(a.seqs()).toEqual([1, 3]);
  expect(a.writes).toHaveLength(1);
  expect(b.writes[0]).toBe(a.writes[0]!); // the same Selection, encoded once
  expect(t.seqs()).toEqual([2]);
  expect(fanned).toEqual([3]);
});

test("a fresh client is greeted at the head a read took in, with the state as of it, then each event once", () => {
  const { bus, pub, join } = setup();
  const early = join(tickers).c;
  pub();
  pub();
  bus.head(); // a REST read: taken in, not fanned out
  expect(early.writes).toHaveLength(0);
  const { c: late, head } = join(tickers);
  expect(head).toBe(2);
  expect(late.snapshots).toEqual([
    [
      { seq: 1, text: "1" },
      { seq: 2, text: "2" },
    ],
  ]);
  pub();
  bus.drain();
  expect(early.seqs()).toEqual([1, 2, 3]);
  expect(late.seqs()).toEqual([3]); // not 1 and 2 again
});

test("a resuming client is caught up from the window in one write, without a snapshot", () => {
  const { bus, pub, join } = setup();
  for (let i = 0; i < 4; i++) pub();
  bus.drain();
  const { c } = join(tickers, false, 1);
  expect(c.snapshots).toEqual([]);
  expect(c.seqs()).toEqual([2, 3, 4]);
  expect(c.writes).toHaveLength(1);
});

test("a blocked client is skipped, then reset with a snapshot when the window has moved past it", () => {
  const { bus, hub, pub, join } = setup(8);
  const { c } = join(tickers);
  c.accept = false;
  pub();
  bus.drain();
  expect(c.blocked).toBe(true);
  for (let i = 0; i < 20; i++) pub();
  bus.drain();
  expect(c.seqs()).toEqual([1]);
  c.accept = true;
  hub.unblock(c); // the transport drained
  const reset = c.controls.find((m) => m.kind === "reset");
  expect(reset?.data).toMatchObject({ reason: "overrun", head: bus.idOf(21) });
  expect(c.snapshots.at(-1)!.at(-1)!.seq).toBe(21); // the state as of the reset's head
  pub();
  bus.drain();
  expect(c.seqs()).toEqual([1, 22]);
});

test("a catch-up is never nested for one client: a window read that starts a fan-out still writes each event once", () => {
  const { bus, pub, join } = setup(64, DrainingSince);
  for (let i = 0; i < 4; i++) pub();
  bus.drain();
  pub(); // published while the resuming client joins: its catch-up's window read fans this out
  pub();
  const { c } = join(tickers, false, 1);
  pub();
  bus.drain();
  const seqs = c.seqs();
  expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b)); // once each, in order
  expect(seqs).toEqual([2, 3, 4, 5, 6, 7]);
});

test("revoke ends the streams of the callers it selects: told why, closed with 4401, seats given back", () => {
  const { hub, pub, bus } = setup();
  const seats = new Seats(5);
  const alice: Principal = { user: "alice", role: "trader", via: "bearer", family: "fa" };
  const bob: Principal = { user: "bob", role: "trader", via: "bearer", family: "fb" };
  const a1 = new FakeClient(tickers, alice, seats.claim("alice"));
  const a2 = new FakeClient(tickers, alice, seats.claim("alice"));
  const b = new FakeClient(tickers, bob, seats.claim("bob"));
  for (const c of [a1, a2, b]) hub.add(c, { fresh: true, greet: () => {} });
  expect(hub.principals()).toEqual([alice, alice, bob]);
  expect(seats.held("alice")).toBe(2);
  expect(hub.revoke((p) => p.family === "fa", "logout")).toBe(2);
  for (const c of [a1, a2]) {
    expect(c.controls.at(-1)).toEqual({ kind: "revoked", data: { reason: "logout" } });
    expect(c.ended).toEqual({ reason: "logout", code: 4401 });
  }
  expect(seats.held("alice")).toBe(0);
  expect(hub.count()).toBe(1);
  pub();
  bus.drain();
  expect(a1.seqs()).toEqual([]);
  expect(b.seqs()).toEqual([1]);
});
