// WebSocket and polling: the same events and resume semantics as SSE.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSse, publish, startTestServer, type TestServer } from "./helpers.ts";
import { wsUrl as streamWsUrl, WsProbe } from "./stream-helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ BUS_CAPACITY: "64" });
  admin = await s.token();
});
afterAll(() => s.close());

const wsUrl = (q = "") => streamWsUrl(s.url, q);

describe("WebSocket", () => {
  test("connected, subscribe, events in order, unsubscribe", async () => {
    const p = await WsProbe.open(wsUrl("?channels=system"), admin);
    const c = await p.next((m) => m.type === "connected");
    expect(c.epoch).toBe(s.hub.epoch);
    p.send({ op: "subscribe", channels: ["tickers:*"] });
    expect((await p.next((m) => m.type === "subscribed")).channels).toEqual(["system", "tickers:*"]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await publish(s.url, admin, { type: "ticker", channel: "tickers:ETH-USDT", data: { i } })).id);
    const got = [
      await p.next((m) => m.type === "ticker"),
      await p.next((m) => m.type === "ticker"),
      await p.next((m) => m.type === "ticker"),
    ];
    expect(got.map((m) => m.id)).toEqual(ids);
    expect(got[0].data).toEqual({ i: 0 });
    p.send({ op: "unsubscribe", channels: ["tickers:*"] });
    await p.next((m) => m.type === "unsubscribed");
    await publish(s.url, admin, { type: "ticker", channel: "tickers:ETH-USDT", data: { i: 9 } });
    const sys = await publish(s.url, admin, { type: "system", channel: "system", data: { ok: 1 } });
    expect((await p.next((m) => m.type === "system" || m.type === "ticker")).id).toBe(sys.id);
    p.ws.close();
  });

  test("bad messages get an error message naming the field; the socket stays usable", async () => {
    const p = await WsProbe.open(wsUrl(), admin);
    await p.next((m) => m.type === "connected");
    p.ws.send("{nope");
    expect((await p.next((m) => m.type === "error")).error.code).toBe("bad_request");
    p.send({ op: "subscribe", channels: "tickers:*" });
    expect((await p.next((m) => m.type === "error")).error.details[0].field).toBe("channels");
    p.send({ op: "subscribe", channels: ["nope:x"] });
    expect((await p.next((m) => m.type === "error")).error.code).toBe("bad_channel");
    p.send({ op: "ping" });
    await p.next((m) => m.type === "pong");
    p.ws.close();
  });

  test("resume with lastEventId, and reset outside the window", async () => {
    const before = await publish(s.url, admin, { type: "system", channel: "system", data: { n: 0 } });
    const missed = [];
    for (let i = 1; i <= 3; i++)
      missed.push((await publish(s.url, admin, { type: "system", channel: "system", data: { n: i } })).id);
    const p = await WsProbe.open(wsUrl(`?channels=system&lastEventId=${before.id}`), admin);
    await p.next((m) => m.type === "connected");
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await p.next((m) => m.type === "system")).id);
    expect(got).toEqual(missed);
    p.ws.close();

    for (let i = 0; i < 70; i++) await publish(s.url, admin, { type: "system", channel: "system", data: { n: i } });
    const q = await WsProbe.open(wsUrl(`?channels=system&lastEventId=${before.id}`), admin);
    expect((await q.next((m) => m.type === "reset")).reason).toBe("outside_window");
    q.ws.close();
  });

  test("a plain GET on the WebSocket path is a 426", async () => {
    const r = await fetch(`${s.url}/api/events/ws`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(426);
  });
});

describe("polling", () => {
  const poll = async (q: string) => {
    const r = await fetch(`${s.url}/api/events/poll?${q}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as { events: any[]; next: string; reset: string | null };
  };

  test("without after: the head; with after: the events since, in order", async () => {
    const head = await poll("channels=trades:*");
    expect(head.events).toEqual([]);
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await publish(s.url, admin, { type: "trade", channel: "trades:BTC-USDT", data: { i } })).id);
    await publish(s.url, admin, { type: "system", channel: "system", data: {} });
    const got = await poll(`channels=trades:*&after=${head.next}`);
    expect(got.events.map((e) => e.id)).toEqual(ids);
    expect(got.reset).toBeNull();
    const again = await poll(`channels=trades:*&after=${got.next}`);
    expect(again.events).toEqual([]);
  });

  test("wait holds the request until a matching event arrives", async () => {
    const head = await poll("channels=trades:*");
    const pending = poll(`channels=trades:*&after=${head.next}&wait=5000`);
    await Bun.sleep(50);
    await publish(s.url, admin, { type: "system", channel: "system", data: {} }); // not matching
    await Bun.sleep(20);
    const pub = await publish(s.url, admin, { type: "trade", channel: "trades:ETH-USDT", data: { w: 1 } });
    const got = await pending;
    expect(got.events.map((e) => e.id)).toEqual([pub.id]);
  });

  test("wait times out empty; outside the window is a reset", async () => {
    const head = await poll("channels=candles:*");
    const t0 = Date.now();
    const got = await poll(`channels=candles:*&after=${head.next}&wait=200`);
    expect(got.events).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    const stale = await poll(`after=${s.hub.epoch}-1`);
    expect(stale.reset).toBe("outside_window");
    const other = await poll(`after=abc-1`);
    expect(other.reset).toBe("epoch");
  });
});

describe("shutdown", () => {
  test("stream clients are told when to come back, then the stream ends", async () => {
    const t = await startTestServer({ SSE_RETRY_MS: "1500", SHUTDOWN_GRACE_MS: "500" });
    const tok = await t.token();
    const sse = await openSse(`${t.url}/api/events/stream`, { Authorization: `Bearer ${tok}` });
    await sse.next();
    const ws = await WsProbe.open(`${t.url.replace("http", "ws")}/api/events/ws`, tok);
    await ws.next((m) => m.type === "connected");
    const closed = new Promise<number>((r) => (ws.ws.onclose = (e) => r(e.code)));
    const stopping = t.close();
    const ev = await sse.nextEvent();
    expect(ev.event).toBe("shutdown");
    expect(ev.retry).toBe(1500);
    expect(ev.json().retryMs).toBe(1500);
    await expect(sse.next(3000)).rejects.toThrow("stream ended");
    expect(await closed).toBe(1012);
    await stopping;
  });
});
