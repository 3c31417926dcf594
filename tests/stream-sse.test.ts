// SSE over real HTTP: connected first, ids, filters, resume, reset, heartbeats, cleanup.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, metric, openSse, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
const auth = () => ({ Authorization: `Bearer ${admin}` });

beforeAll(async () => {
  s = await startTestServer({ BUS_CAPACITY: "64", HEARTBEAT_MS: "200", IDLE_TIMEOUT_S: "1" });
  admin = await s.token();
});
afterAll(() => s.close());

const tick = (i: number, inst = "BTC-USDT") => ({ type: "ticker", channel: `tickers:${inst}`, data: { i } });

describe("SSE stream", () => {
  test("starts with retry + connected, carries the headers, then events with ids in order", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, auth());
    expect(sse.res.headers.get("content-type")).toContain("text/event-stream");
    expect(sse.res.headers.get("cache-control")).toContain("no-cache");
    expect(sse.res.headers.get("x-accel-buffering")).toBe("no");
    const first = await sse.next();
    expect(first.event).toBe("connected");
    expect(first.retry).toBe(s.config.SSE_RETRY_MS);
    const c = first.json();
    expect(c.epoch).toBe(s.hub.epoch);
    expect(typeof c.serverTime).toBe("number");
    expect(c.head).toMatch(/^[0-9a-z]+-\d+$/);

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await publish(s.url, admin, tick(i))).id);
    const got = await sse.take(5);
    expect(got.map((e) => e.id)).toEqual(ids);
    expect(got.map((e) => e.event)).toEqual(Array(5).fill("ticker"));
    const j = got[2]!.json();
    expect(j).toMatchObject({ id: ids[2], type: "ticker", channel: "tickers:BTC-USDT", data: { i: 2 } });
    expect(j.ts.pub).toBeGreaterThanOrEqual(j.ts.rx);
    sse.close();
  });

  test("channel filters: exact keys and wildcards", async () => {
    const wild = await openSse(`${s.url}/api/events/stream?channels=trades:*`, auth());
    const exact = await openSse(`${s.url}/api/events/stream?channels=tickers:ETH-USDT,trades:BTC-USDT`, auth());
    await wild.next();
    await exact.next();
    await publish(s.url, admin, tick(1, "BTC-USDT"));
    await publish(s.url, admin, tick(2, "ETH-USDT"));
    await publish(s.url, admin, { type: "trade", channel: "trades:BTC-USDT", data: { n: 3 } });
    await publish(s.url, admin, { type: "trade", channel: "trades:ETH-USDT", data: { n: 4 } });
    expect((await wild.take(2)).map((e) => e.json().channel)).toEqual(["trades:BTC-USDT", "trades:ETH-USDT"]);
    expect((await exact.take(2)).map((e) => e.json().channel)).toEqual(["tickers:ETH-USDT", "trades:BTC-USDT"]);
    wild.close();
    exact.close();
  });

  test("resume by Last-Event-ID header and lastEventId query: every missed event once, in order", async () => {
    const before = await publish(s.url, admin, tick(100));
    const missed: string[] = [];
    for (let i = 0; i < 6; i++) missed.push((await publish(s.url, admin, tick(101 + i))).id);
    for (const how of ["header", "query"]) {
      // Each pass also replays what the previous pass saw live.
      const url = `${s.url}/api/events/stream?channels=tickers:*${how === "query" ? `&lastEventId=${before.id}` : ""}`;
      const headers = how === "header" ? { ...auth(), "Last-Event-ID": before.id } : auth();
      const sse = await openSse(url, headers);
      const c = (await sse.next()).json();
      expect(c.resumed).toBe(before.id);
      expect((await sse.take(missed.length)).map((e) => e.id)).toEqual(missed);
      const live = await publish(s.url, admin, tick(200));
      expect((await sse.nextEvent()).id).toBe(live.id); // no duplicate, no gap between replay and live
      missed.push(live.id);
      sse.close();
    }
  });

  test("reset when the id is outside the window, from another epoch, or malformed (header)", async () => {
    const old = await publish(s.url, admin, tick(0));
    for (let i = 0; i < 80; i++) await publish(s.url, admin, tick(i)); // capacity is 64
    const cases: Array<[string, string]> = [
      [old.id, "outside_window"],
      [`zzzz-5`, "epoch"],
      [`not an id`, "malformed"],
      [`${s.hub.epoch}-999999999`, "outside_window"],
    ];
    for (const [id, reason] of cases) {
      const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { ...auth(), "Last-Event-ID": id });
      expect((await sse.next()).event).toBe("connected");
      const r = await sse.next();
      expect(r.event).toBe("reset");
      expect(r.json()).toMatchObject({ reason, epoch: s.hub.epoch });
      const live = await publish(s.url, admin, tick(1));
      expect((await sse.nextEvent()).id).toBe(live.id);
      sse.close();
    }
  });

  test("a malformed lastEventId query is a 400 naming the field", async () => {
    const r = await fetch(`${s.url}/api/events/stream?lastEventId=abc`, { headers: auth() });
    expect(r.status).toBe(400);
    const body = (await r.json()) as any;
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details[0].field).toBe("query.lastEventId");
  });

  test("heartbeats keep an idle stream open past the server's idle timeout", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=system`, auth());
    await sse.next();
    const beats: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 2500) {
      const ev = await sse.next(3000);
      if (ev.event === "heartbeat") beats.push(ev.json().t);
    }
    expect(beats.length).toBeGreaterThanOrEqual(5);
    const live = await publish(s.url, admin, { type: "system", channel: "system", data: { ok: true } });
    expect((await sse.nextEvent()).id).toBe(live.id);
    sse.close();
  });

  test("disconnected clients are noticed, removed and counted", async () => {
    await eventually(() => s.hub.count("sse") === 0); // earlier tests' streams are gone
    const base = 0;
    const gone0 = await metric(s.url, "tradewire_stream_disconnects_total");
    const a = await openSse(`${s.url}/api/events/stream`, auth());
    const b = await openSse(`${s.url}/api/events/stream`, auth());
    await a.next();
    await b.next();
    expect(s.hub.count("sse")).toBe(base + 2);
    a.close();
    b.close();
    await eventually(() => s.hub.count("sse") === base);
    expect(await metric(s.url, "tradewire_stream_disconnects_total")).toBeGreaterThanOrEqual(gone0 + 2);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toContain(`tradewire_stream_clients{transport="sse"} ${base}`);
  });
});

describe("SSE stream ended by the server", () => {
  test("hub.shutdown ends the response (the server keeps serving) and the client is removed", async () => {
    const t = await startTestServer();
    try {
      const tok = await t.token();
      const sse = await openSse(`${t.url}/api/events/stream`, { Authorization: `Bearer ${tok}` });
      expect((await sse.next()).event).toBe("connected");
      expect(t.hub.count("sse")).toBe(1);
      t.hub.shutdown(1000);
      expect((await sse.next()).event).toBe("shutdown");
      await expect(sse.next(3000)).rejects.toThrow("stream ended");
      expect(t.hub.count("sse")).toBe(0);
      const again = await openSse(`${t.url}/api/events/stream`, { Authorization: `Bearer ${tok}` });
      expect((await again.next()).event).toBe("connected");
      again.close();
    } finally {
      await t.close();
    }
  });
});
