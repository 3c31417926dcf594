// Data flows one way: a REST read right after a publish sees the event (read-your-writes) yet
// writes to no stream socket; the stream clients get it from the bus reader's next batch, once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { exchangeEvent, metric, openSse, type SseReader, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let live: SseReader;
const H = () => ({ Authorization: `Bearer ${admin}` });
const written = () => metric(s.url, "tradewire_stream_events_written_total");
const get = async (path: string) => {
  const r = await fetch(s.url + path, { headers: H() });
  expect(r.status).toBe(200);
  return (await r.json()) as any;
};
/** Published on the main thread without waking the bus reader (as the ingest thread would). */
const quietTicker = (instId: string, last: string) => {
  const p = s.producer.publish({
    type: "ticker",
    channel: `tickers:${instId}`,
    dataJson: JSON.stringify({ instId, last }),
  });
  return p.id;
};

beforeAll(async () => {
  s = await startTestServer();
  admin = await s.token();
  live = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, H());
  expect((await live.next()).event).toBe("connected");
});
afterAll(async () => {
  live.close();
  await s.close();
});

test("GET /api/market/tickers after a publish answers with it and writes to no stream client", async () => {
  s.bus.stop(); // the reader hands nothing out until kicked: only a read could take the event in
  try {
    const id = quietTicker("BTC-USDT", "7");
    const before = await written();
    const tickers = (await get("/api/market/tickers")).data as Array<{ instId: string; last: string }>;
    expect(tickers.find((t) => t.instId === "BTC-USDT")?.last).toBe("7");
    const polled = await get(`/api/events/poll?channels=tickers:*&after=${s.hub.idOf(Number(id.split("-")[1]) - 1)}`);
    expect(polled.events.map((e: any) => e.id)).toEqual([id]);
    expect(await written()).toBe(before); // the stream client has not been written to

    s.bus.kick(); // the next batch carries it to the stream client, once
    const ev = await live.nextEvent();
    expect(ev.id).toBe(id);
    expect(await written()).toBe(before + 1);
  } finally {
    s.bus.start();
  }
  const after = exchangeEvent(s, {
    type: "ticker",
    channel: "tickers:ETH-USDT",
    data: { instId: "ETH-USDT", last: "1" },
  });
  expect((await live.nextEvent()).id).toBe(after.id); // nothing in between: no duplicate
});

test("a client that joins after a read took an event in has it in its snapshot, not again live", async () => {
  s.bus.stop();
  let id: string;
  let joined: SseReader;
  try {
    id = quietTicker("SOL-USDT", "9");
    expect((await get("/api/market/tickers")).data.map((t: any) => t.instId)).toContain("SOL-USDT");
    joined = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, H());
    const hello = await joined.next();
    expect(hello.event).toBe("connected");
    expect(hello.json().head).toBe(id); // greeted at the head the read took in
    const snap: any[] = [];
    for (let e = await joined.next(); ; e = await joined.next()) {
      expect(e.event).toBe("snapshot");
      snap.push(e.json());
      if (snap.length === 3) break; // BTC, ETH (first test), SOL
    }
    expect(snap.map((e) => e.id)).toContain(id);
    s.bus.kick();
    expect((await live.nextEvent()).id).toBe(id); // the earlier client gets it live
  } finally {
    s.bus.start();
  }
  const next = exchangeEvent(s, {
    type: "ticker",
    channel: "tickers:SOL-USDT",
    data: { instId: "SOL-USDT", last: "10" },
  });
  expect((await joined!.nextEvent()).id).toBe(next.id); // not the snapshot's event a second time
  expect((await live.nextEvent()).id).toBe(next.id);
  joined!.close();
});
