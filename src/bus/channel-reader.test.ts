import { describe, expect, test } from "bun:test";
import { ChannelReader } from "./channel-reader.ts";
import { createRing, eventJson, RingProducer, RingReader } from "./ring.ts";

const CHANNELS = ["tickers:BTC-USDT", "tickers:ETH-USDT", "books:BTC-USDT", "orders", "fills", "strategy:abc"];

function fill(p: RingProducer, n: number): void {
  for (let i = 1; i <= n; i++) {
    const channel = CHANNELS[i % CHANNELS.length]!;
    p.publish({ type: channel.split(":")[0]!, channel, dataJson: JSON.stringify({ i, pad: "x".repeat(i % 7) }) });
  }
}

describe("ChannelReader", () => {
  test("returns exactly the events of its channels, as read() gives them", () => {
    const h = createRing({ capacity: 64, bytes: 1 << 16 });
    const p = new RingProducer(h);
    fill(p, 40);
    const want = new Set(["tickers:BTC-USDT", "orders"]);
    const all = new RingReader(h).read(0);
    const got = new ChannelReader(h, want).readChannels(0);
    expect(got.overrun).toBe(false);
    expect(got.last).toBe(40);
    const strip = (evs: typeof all.events) =>
      evs.map((e) => ({ ...e, frame: new TextDecoder().decode(e.frame), json: eventJson(e) }));
    expect(strip(got.events)).toEqual(strip(all.events.filter((e) => want.has(e.channel))));
    expect(got.events.length).toBe(13); // i % 6 === 0 or 3 of 1..40
  });

  test("a channel that is a prefix of another, or of the same length, is not taken for it", () => {
    const h = createRing({ capacity: 64, bytes: 1 << 16 });
    const p = new RingProducer(h);
    fill(p, 12);
    const got = new ChannelReader(h, ["tickers:ETH-USDT", "tickers:BTC"]).readChannels(0);
    expect(new Set(got.events.map((e) => e.channel))).toEqual(new Set(["tickers:ETH-USDT"]));
  });

  test("continues from last; nothing new gives no events", () => {
    const h = createRing({ capacity: 64, bytes: 1 << 16 });
    const p = new RingProducer(h);
    const r = new ChannelReader(h, ["fills"]);
    fill(p, 10);
    const a = r.readChannels(0);
    expect(a.events.map((e) => e.seq)).toEqual([4, 10]);
    expect(r.readChannels(a.last)).toEqual({ events: [], overrun: false, last: 10 });
    fill(p, 6);
    expect(r.readChannels(a.last).events.map((e) => e.seq)).toEqual([14]);
  });

  test("a reader that falls a capacity behind is overrun and resumes at the tail", () => {
    const h = createRing({ capacity: 16, bytes: 1 << 16 });
    const p = new RingProducer(h);
    fill(p, 40);
    const r = new ChannelReader(h, CHANNELS);
    const got = r.readChannels(3);
    expect(got.overrun).toBe(true);
    expect(got.events[0]!.seq).toBe(new RingReader(h).tail());
    expect(got.last).toBe(40);
  });
});
