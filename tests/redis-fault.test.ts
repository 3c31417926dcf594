// Redis killed and restarted under a running tradewire (a redis-server of this test's own, so
// other tests keep theirs): meanwhile /ready names redis, calls that need Redis answer 503
// redis_unavailable, and streams, publishing and /health carry on; afterwards all works again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import {
  ADMIN_PASSWORD,
  eventually,
  exchangeEvent,
  openSse,
  publish,
  type SseReader,
  startTestServer,
  type TestServer,
} from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, type OwnRedis, startOwnRedis } from "./redis-helpers.ts";

noteSkip("redis-fault");
let redis: OwnRedis;
let s: TestServer;
let sse: SseReader | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);

beforeAll(async () => {
  if (NO_REDIS) return;
  process.on("unhandledRejection", onUnhandled);
  redis = await startOwnRedis();
  s = await startTestServer({ REDIS_URL: redis.url });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  sse?.close();
  await s?.close();
  await redis?.stop();
});

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const login = () => post("/api/auth/login", { username: "admin", password: ADMIN_PASSWORD });
const ready = async () => {
  const r = await fetch(`${s.url}/ready`);
  return {
    status: r.status,
    body: (await r.json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> },
  };
};
/** A ticker from the exchange (it enters the state, which is saved to Redis), and a publish by a known session. */
const ticker = async (token: string, last: string) => {
  exchangeEvent(s, { type: "ticker", channel: "tickers:BTC-USDT", data: { instId: "BTC-USDT", last } });
  await publish(s.url, token, { type: "strategy", channel: "strategy:probe", data: { last } });
};

describe.skipIf(NO_REDIS)("Redis down and back", () => {
  test("while down: 503 where Redis is needed, everything else works; after: logins again", async () => {
    const first = (await (await login()).json()) as { accessToken: string; refreshToken: string };
    const admin = first.accessToken;
    expect((await ready()).status).toBe(200);
    sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { Authorization: `Bearer ${admin}` });
    expect((await sse.next()).event).toBe("connected");
    await ticker(admin, "1");
    expect((await sse.nextEvent()).json().data.last).toBe("1");

    await redis.kill();
    await eventually(async () => (await ready()).status === 503);
    const { body } = await ready();
    const check = body.checks.find((c) => c.name === "redis");
    expect(check?.ok).toBe(false);
    expect(check?.detail).toContain("redis unreachable");

    const down = await login();
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("1");
    expect(await down.json()).toEqual({
      error: { code: "redis_unavailable", message: expect.stringContaining("Redis is unreachable") },
    });
    const refresh = await post("/api/auth/refresh", { refreshToken: first.refreshToken });
    expect({ status: refresh.status, code: ((await refresh.json()) as any).error.code }).toEqual({
      status: 503,
      code: "redis_unavailable",
    });
    const ticket = await post("/api/auth/stream-ticket", {}, admin);
    expect({ status: ticket.status, code: ((await ticket.json()) as any).error.code }).toEqual({
      status: 503,
      code: "redis_unavailable",
    });

    // The known session still publishes, the open stream still receives, liveness is fine.
    await ticker(admin, "2");
    expect((await sse.nextEvent()).json().data.last).toBe("2");
    expect((await fetch(`${s.url}/health`)).status).toBe(200);

    await redis.start(); // empty: no persistence, so the first session is gone with it
    await eventually(async () => (await ready()).status === 200, 10_000);
    // The state snapshot is written again as a whole, with what changed during the outage.
    const raw: Redis = await inspect(redis.url);
    try {
      await eventually(async () => {
        const saved = await raw.hget("tw:state", "tickers:BTC-USDT");
        return saved !== null && (JSON.parse(saved) as { text: string }).text.includes('"last":"2"');
      });
    } finally {
      raw.disconnect();
    }
    const again = await login();
    expect(again.status).toBe(200);
    const fresh = ((await again.json()) as { accessToken: string }).accessToken;
    const t2 = await post("/api/auth/stream-ticket", {}, fresh);
    expect(t2.status).toBe(200);
    const old = sse;
    sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { Authorization: `Bearer ${fresh}` });
    expect((await sse.next()).event).toBe("connected");
    await ticker(fresh, "3");
    expect((await sse.nextEvent()).json().data.last).toBe("3");
    // The first session went with Redis's data: its stream ends at the next re-check of sessions
    // (STREAM_AUTH_CHECK_MS, 2 s), whatever it received before that.
    let end = await old.nextEvent();
    while (end.event === "ticker") end = await old.nextEvent();
    expect(end.event).toBe("revoked");
    old.close();

    expect(unhandled).toEqual([]);
  });
});
