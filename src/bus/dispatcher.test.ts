// The bus reader: take consumers see events at every take, batch consumers at drains, both in
// order and once; the window answers resume and polls; failures stay inside one consumer.
import { describe, expect, test } from "bun:test";
import { Dispatcher, type DispatchMetrics } from "./dispatcher.ts";
import { type BusEvent, createRing, RingProducer } from "./ring.ts";

function setup(capacity = 64) {
  const ring = createRing({ capacity, bytes: 1 << 16 });
  const producer = new RingProducer(ring);
  const counts = { overruns: 0, delivered: 0, errors: 0 };
  const metrics: DispatchMetrics = {
    overrun: () => counts.overruns++,
    delivered: (evs) => (counts.delivered += evs.length),
  };
  const log = { error: () => counts.errors++ };
  const bus = new Dispatcher({ ring, metrics, log, coalesceMs: 0 });
  const taken: number[] = [];
  const batches: number[][] = [];
  bus.onTake((evs) => taken.push(...evs.map((e) => e.seq)));
  bus.onBatch((evs) => void batches.push(evs.map((e) => e.seq)));
  const pub = (channel = "tickers:BTC-USDT") => producer.publish({ type: "ticker", channel, dataJson: "{}" }).seq;
  return { bus, producer, pub, taken, batches, counts };
}

const all = { matches: () => true };

describe("dispatcher", () => {
  test("head() feeds the take consumers only; a drain then hands the same events out as one batch", () => {
    const { bus, pub, taken, batches } = setup();
    pub();
    pub();
    expect(bus.taken).toBe(0);
    expect(bus.head()).toBe(2);
    expect(taken).toEqual([1, 2]);
    expect(batches).toEqual([]); // a read writes to nobody
    pub();
    expect(bus.head()).toBe(3);
    expect(taken).toEqual([1, 2, 3]);
    bus.drain();
    expect(batches).toEqual([[1, 2, 3]]); // consecutive takes are joined into one batch
    pub();
    bus.drain();
    expect(taken).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  test("a publisher made by publisher() hands the event out at once when the reader is idle", () => {
    const { bus, producer, batches } = setup();
    const out = bus.publisher(producer).publish({ type: "system", channel: "system", dataJson: "1" });
    expect(out.id).toBe(bus.idOf(1));
    expect(batches).toEqual([[1]]);
  });

  test("since(): events after an id that a filter selects, within the window only", () => {
    const { bus, pub } = setup(8);
    for (let i = 0; i < 6; i++) pub(i % 2 ? "trades:BTC-USDT" : "tickers:BTC-USDT");
    expect(bus.since(0, all, 100)).toEqual({ events: [], last: 0 }); // since() does not read the ring
    bus.head();
    const trades = { matches: (ch: string) => ch.startsWith("trades:") };
    const got = bus.since(0, trades, 100)!;
    expect(got.events.map((e: BusEvent) => e.seq)).toEqual([2, 4, 6]);
    expect(got.last).toBe(6);
    expect(bus.since(2, all, 2)!.last).toBe(4); // limit counts matches
    expect(bus.since(6, all, 10)).toEqual({ events: [], last: 6 });
    expect(bus.since(7, all, 10)).toBeNull(); // after the head
    for (let i = 0; i < 8; i++) pub();
    bus.head();
    expect(bus.windowStart()).toBeGreaterThan(2);
    expect(bus.since(2, all, 100)).toBeNull(); // overwritten in the ring
    expect(bus.since(bus.windowStart(), all, 100)!.last).toBe(14);
  });

  test("a reader that falls a ring behind counts an overrun and hands out only what is intact", () => {
    const { bus, pub, batches, counts } = setup(8);
    for (let i = 0; i < 20; i++) pub();
    bus.drain();
    expect(counts.overruns).toBe(1);
    expect(batches.flat()).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(counts.delivered).toBe(8);
  });

  test("a consumer that throws is logged; the others still get the batch", () => {
    const { bus, pub, batches, counts } = setup();
    bus.onBatch(() => {
      throw new Error("boom");
    });
    const after: number[] = [];
    bus.onBatch((evs) => void after.push(...evs.map((e) => e.seq)));
    pub();
    bus.drain();
    expect(batches).toEqual([[1]]);
    expect(after).toEqual([1]);
    expect(counts.errors).toBe(1);
  });

  test("a batch consumer that reads the head mid-drain gets the newer events in a later batch of the same drain", () => {
    const { bus, pub, batches, taken } = setup();
    let once = true;
    bus.onBatch(() => {
      if (!once) return;
      once = false;
      pub();
      bus.head();
    });
    pub();
    bus.drain();
    expect(taken).toEqual([1, 2]);
    expect(batches).toEqual([[1], [2]]);
  });
});
