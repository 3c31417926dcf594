import { describe, expect, test } from "bun:test";
import { createRing, eventJson, RingProducer, RingReader, releaseClaim } from "./ring.ts";

const pub = (p: RingProducer, i: number, channel = "tickers:BTC-USDT") =>
  p.publish({ type: "ticker", channel, dataJson: JSON.stringify({ i }) });

describe("ring", () => {
  test("events get growing sequence numbers and ids with the epoch", () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    const a = pub(p, 1);
    const b = pub(p, 2);
    expect(a.seq).toBe(1);
    expect(b.seq).toBe(2);
    expect(a.id).toBe(`${r.epoch}-1`);
    const got = r.read(0);
    expect(got.overrun).toBe(false);
    expect(got.events.map((e) => e.seq)).toEqual([1, 2]);
    const ev = got.events[0]!;
    expect(ev.channel).toBe("tickers:BTC-USDT");
    expect(ev.type).toBe("ticker");
    const json = JSON.parse(eventJson(ev));
    expect(json).toMatchObject({ id: a.id, type: "ticker", channel: "tickers:BTC-USDT", data: { i: 1 } });
    expect(json.ts.pub).toBeGreaterThanOrEqual(json.ts.rx);
    const text = new TextDecoder().decode(ev.frame);
    expect(text).toBe(`id: ${a.id}\nevent: ticker\ndata: ${eventJson(ev)}\n\n`);
  });

  test("reading after the head returns nothing; reading from the middle returns the rest", () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    for (let i = 1; i <= 5; i++) pub(p, i);
    expect(r.read(5).events).toEqual([]);
    expect(r.read(3).events.map((e) => e.seq)).toEqual([4, 5]);
    expect(r.read(0, 2).events.map((e) => e.seq)).toEqual([1, 2]);
  });

  test("a reader that falls a capacity behind is overrun and resumes at the tail", () => {
    const h = createRing({ capacity: 8, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    for (let i = 1; i <= 20; i++) pub(p, i);
    expect(r.tail()).toBe(13);
    const got = r.read(3);
    expect(got.overrun).toBe(true);
    expect(got.events.map((e) => e.seq)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(r.read(12).overrun).toBe(false);
  });

  test("byte capacity bounds the window too, across wrap-around, and records stay intact", () => {
    const h = createRing({ capacity: 1024, bytes: 4096 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    let cursor = 0;
    for (let i = 1; i <= 500; i++) {
      p.publish({
        type: "trade",
        channel: `trades:X${i % 7}`,
        dataJson: JSON.stringify({ i, pad: "x".repeat(i % 97) }),
      });
      if (i % 3 === 0) {
        const got = r.read(cursor);
        for (const ev of got.events) expect(JSON.parse(eventJson(ev)).data.i).toBe(ev.seq);
        cursor = got.last;
      }
    }
    const tail = r.tail();
    expect(tail).toBeGreaterThan(400); // 4 KB holds only a few dozen records
    const all = r.read(tail - 1);
    expect(all.overrun).toBe(false);
    expect(all.events.length).toBe(500 - tail + 1);
    all.events.forEach((ev, k) => {
      expect(ev.seq).toBe(tail + k);
      expect(ev.channel).toBe(`trades:X${ev.seq % 7}`);
      expect(JSON.parse(eventJson(ev)).data.i).toBe(ev.seq);
    });
    expect(r.read(1).overrun).toBe(true);
  });

  test("oversized events are refused, the ring stays usable", () => {
    const h = createRing({ capacity: 16, bytes: 4096 });
    const p = new RingProducer(h);
    expect(() => p.publish({ type: "t", channel: "c", dataJson: JSON.stringify("x".repeat(2000)) })).toThrow();
    expect(pub(p, 1).seq).toBe(1);
  });

  test("a second producer on the same ring continues the same sequence", () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const a = new RingProducer(h);
    const b = new RingProducer(h);
    pub(a, 1);
    pub(b, 2);
    pub(a, 3);
    expect(new RingReader(h).read(0).events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  test("wait() resolves on publish", async () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    await r.wait(10); // first call consumes the initial state
    const w = r.wait(5000);
    setTimeout(() => pub(p, 1), 5);
    await w;
    expect(r.head()).toBe(1);
  });

  test("a publish without wake leaves waiting readers asleep until wake(); the event is readable at once", async () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new RingReader(h);
    await r.wait(10);
    let woke = false;
    const w = r.wait(5000).then(() => (woke = true));
    p.publish({ type: "t", channel: "c", dataJson: "{}" }, false);
    p.publish({ type: "t", channel: "c", dataJson: "{}" }, false);
    await Bun.sleep(50);
    expect(woke).toBe(false);
    expect(r.read(0).events.map((e) => e.seq)).toEqual([1, 2]);
    p.wake();
    await w;
    expect(woke).toBe(true);
  });
});

test("a slot the producer rewrites while a read looks at it never makes the read throw", () => {
  const h = createRing({ capacity: 16, bytes: 1 << 16 });
  const p = new RingProducer(h);
  const r = new RingReader(h);
  for (let i = 1; i <= 5; i++) pub(p, i);
  // The first slot's offset as the producer leaves it after a wrap: far past the records at first,
  // near the start when looked at again (a read that looks twice cut a run backwards and threw).
  const real = (r as unknown as { index: Int32Array }).index;
  let looks = 0;
  const torn = new Proxy(real, {
    get(t, k) {
      if (k === "3") return looks++ === 0 ? 60_000 : 8; // slot 1's offset
      const v = Reflect.get(t, k);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
  Object.defineProperty(r, "index", { value: torn });
  const got = r.read(0);
  expect(got.last).toBe(5);
  expect(looks).toBe(1); // each slot looked at once
  // The records after it are read whole (the torn one is the producer's to invalidate: in a real
  // wrap the tail has moved past it, and step 2 of read() drops it).
  const rest = got.events.filter((e) => e.seq >= 2);
  expect(rest.map((e) => JSON.parse(eventJson(e)).data.i)).toEqual([2, 3, 4, 5]);
});

describe("claim owners", () => {
  test("a claim left held by a dead producer is released by its owner id only", () => {
    const h = createRing({ capacity: 16, bytes: 4096 });
    const lockWord = new Int32Array(h.sab, 0, 16); // header: the claim word is Int32 index 5
    lockWord[5] = 7; // producer 7 died holding the claim
    expect(releaseClaim(h, 8)).toBe(false);
    expect(lockWord[5]).toBe(7);
    expect(releaseClaim(h, 7)).toBe(true);
    const p = new RingProducer(h, 3);
    expect(p.publish({ type: "t", channel: "c", dataJson: "1" }).seq).toBe(1);
    expect(lockWord[5]).toBe(0);
    expect(() => new RingProducer(h, 0)).toThrow();
  });
});
