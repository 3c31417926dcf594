// Engine -> tradewire over Redis Streams: the reference engine's events reach SSE clients marked as
// the engine's; malformed or oversized messages are counted by kind, logged once per kind, never
// published, and never stop the bridge. Test Redis DB 11.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { createLogger } from "../src/log.ts";
import { engineState, type RefEngine, startRefEngine } from "./engine-helpers.ts";
import { eventually, metric, openSse, startTestServer, type TestServer } from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("engine-events");
let s: TestServer;
let engine: RefEngine;
let redis: Redis;
let admin: string;
const logs: string[] = [];

beforeAll(async () => {
  if (NO_REDIS) return;
  const url = await testRedisUrl(11);
  s = await startTestServer({ REDIS_URL: url }, { log: createLogger("warn", {}, (l) => logs.push(l)) });
  engine = startRefEngine(url, ["--autostart"]);
  redis = await inspect(url);
  admin = await s.token();
  await engineState(s, "ref-1", "up");
}, 30_000);
afterAll(async () => {
  await engine?.stop();
  redis?.disconnect();
  await s?.close();
});

describe.skipIf(NO_REDIS)("engine events", () => {
  test("orders, fills, positions and strategy status arrive on the stream, marked as the engine's", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=orders,fills,positions,strategy:ref-mm`, {
      Authorization: `Bearer ${admin}`,
    });
    expect((await sse.next()).event).toBe("connected");
    const seen = new Map<string, any>();
    const deadline = Date.now() + 10_000;
    while (!["order", "fill", "position", "strategy"].every((t) => seen.has(t)) && Date.now() < deadline) {
      const ev = await sse.nextEvent(5000);
      if (ev.event !== "snapshot") seen.set(ev.event, ev.json());
    }
    sse.close();
    for (const [type, channel] of [
      ["order", "orders"],
      ["fill", "fills"],
      ["position", "positions"],
      ["strategy", "strategy:ref-mm"],
    ]) {
      const e = seen.get(type!);
      expect({
        type,
        channel: e?.channel,
        src: e?.data.src,
        engineId: e?.data.engineId,
        simulated: e?.data.simulated,
      }).toEqual({ type, channel, src: "engine", engineId: "ref-1", simulated: true });
      expect(e.ts.ex).toBeGreaterThan(0); // the engine's own time of the event
    }
    expect(seen.get("fill").data).toMatchObject({
      instId: "BTC-USDT",
      strategyId: "ref-mm",
      fillPx: expect.any(String),
    });
    expect(seen.get("strategy").data).toMatchObject({
      id: "ref-mm",
      state: "running",
      position: expect.any(String),
      realizedPnl: expect.any(String),
    });
    expect(await metric(s.url, "tradewire_engine_events_total")).toBeGreaterThan(0);
  }, 20_000);

  test("malformed and oversized messages: counted by kind, logged once per kind, never published", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=bench,tickers:*`, {
      Authorization: `Bearer ${admin}`,
    });
    expect((await sse.next()).event).toBe("connected");
    const ev = (f: Record<string, string>) => redis.xadd("tw:engine:events", "*", ...Object.entries(f).flat());
    const good = { engineId: "x1", type: "tick", channel: "bench", data: '{"n":1}' };
    await ev({ ...good, data: "{oops" });
    await ev({ ...good, data: "{oops again" });
    await ev({ ...good, data: JSON.stringify({ big: "x".repeat(70_000) }) });
    await ev({ ...good, type: "ticker", channel: "tickers:BTC-USDT", data: '{"last":"0.01"}' });
    await ev({ ...good, channel: "nope:a:b" });
    await ev({ ...good, engineId: "" });
    await ev({ ...good, v: "2" });
    await ev({ ...good, data: '{"src":"exchange"}' });
    const ctl = (m: string) => redis.xadd("tw:engine:control", "*", "m", m);
    await ctl("{");
    await ctl(JSON.stringify({ v: 1, type: "gossip", engineId: "x1" }));
    await ctl(JSON.stringify({ v: 1, type: "heartbeat", engineId: "x1" })); // no instance
    await ctl(JSON.stringify({ v: 9, type: "heartbeat", engineId: "x1", instance: "a" }));
    await ctl(
      JSON.stringify({
        v: 1,
        type: "result",
        engineId: "x1",
        id: "0b9f6f0e-8d8e-4c5e-9d0b-4f9a2c1e7a10",
        status: "done",
      }),
    );
    await ev({ ...good, data: '{"n":2}' });

    const first = await sse.nextEvent(5000);
    sse.close();
    expect({ event: first.event, channel: first.json().channel, data: first.json().data }).toEqual({
      event: "tick",
      channel: "bench",
      data: { n: 2, src: "engine", engineId: "x1" },
    });
    // Control messages are read on the main thread, events on the intake Worker: both counted soon.
    let text = "";
    const count = (kind: string) =>
      Number(text.match(new RegExp(`tradewire_engine_rejected_total\\{kind="${kind}"\\} (\\d+)`))?.[1] ?? 0);
    const kinds = () =>
      Object.fromEntries(
        ["not_json", "too_large", "not_allowed", "bad_channel", "bad_field", "bad_version", "unknown_type"].map((k) => [
          k,
          count(k),
        ]),
      );
    await eventually(async () => {
      text = await (await fetch(`${s.url}/metrics`)).text();
      return (
        Object.values(kinds()).reduce((x, y) => x + y, 0) >= 12 &&
        (await metric(s.url, "tradewire_engine_answers_unmatched_total")) >= 1
      );
    });
    expect(kinds()).toEqual({
      not_json: 3,
      too_large: 1,
      not_allowed: 1,
      bad_channel: 1,
      bad_field: 3,
      bad_version: 2,
      unknown_type: 1,
    });
    expect(await metric(s.url, "tradewire_engine_answers_unmatched_total")).toBe(1);
    const refused = logs.map((l) => JSON.parse(l)).filter((l) => l.msg.startsWith("engine message refused"));
    expect(refused.map((l) => l.kind).sort()).toEqual([
      "bad_channel",
      "bad_field",
      "bad_version",
      "not_allowed",
      "not_json",
      "too_large",
      "unknown_type",
    ]);
    expect(JSON.stringify(refused)).not.toContain("oops"); // reasons, not payloads
    // The bridge goes on: the engine is still up and its events still come.
    expect(s.engines!.state("ref-1")).toBe("up");
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
