// A tradewire restart with REDIS_URL (test Redis, DB 2): the new instance serves the saved state
// snapshot to its first client at once, before any new event, and sessions carry over: refresh
// tokens rotate, revoked sessions stay revoked, a refresh token reused across instances is caught;
// a saved position the exchange no longer has is flattened by its first snapshot.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  ADMIN_PASSWORD,
  eventually,
  exchangeEvent,
  openSse,
  placeOrder,
  startTestServer,
  type TestServer,
} from "./helpers.ts";
import { NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("redis-restart");
const JWT_SECRET = "redis-restart-test-secret-0123456789abcdef"; // both instances sign alike
let url = "";
const servers: TestServer[] = [];
const start = async (more: Record<string, string> = {}) => {
  // No grace period for a rotated token presented again: the reuse below comes a moment later.
  const s = await startTestServer({ REDIS_URL: url, JWT_SECRET, REFRESH_REUSE_GRACE_S: "0", ...more });
  servers.push(s);
  return s;
};

beforeAll(async () => {
  if (!NO_REDIS) url = await testRedisUrl(2);
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

interface Pair {
  accessToken: string;
  refreshToken: string;
}
const post = (base: string, path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const login = async (base: string): Promise<Pair> => {
  const r = await post(base, "/api/auth/login", { username: "admin", password: ADMIN_PASSWORD });
  expect(r.status).toBe(200);
  return (await r.json()) as Pair;
};
const me = (base: string, token: string) =>
  fetch(`${base}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
const errorCode = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

describe.skipIf(NO_REDIS)("tradewire restart with Redis", () => {
  test("the state snapshot and the sessions survive; restored state comes before new events", async () => {
    const a = await start();
    const kept = await login(a.url); // stays valid
    const loggedOut = await login(a.url); // revoked on the first instance
    const rotated = await login(a.url); // rotated on the first instance, old token reused on the second
    const token = kept.accessToken;
    const ev = (on: TestServer, type: string, channel: string, data: unknown) =>
      exchangeEvent(on, { type, channel, data });
    ev(a, "ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "1" });
    ev(a, "ticker", "tickers:ETH-USDT", { instId: "ETH-USDT", last: "2" });
    ev(a, "ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "3" });
    ev(a, "order", "orders", { ordId: "o1", state: "live" });
    expect((await post(a.url, "/api/auth/logout", {}, loggedOut.accessToken)).status).toBe(204);
    const r1 = await post(a.url, "/api/auth/refresh", { refreshToken: rotated.refreshToken });
    expect(r1.status).toBe(200);
    const next = (await r1.json()) as Pair;
    await a.close();

    const b = await start();
    const sse = await openSse(`${b.url}/api/events/stream?channels=tickers:*,orders`, {
      Authorization: `Bearer ${token}`,
    });
    expect((await sse.next()).event).toBe("connected");
    const snap = [await sse.next(), await sse.next(), await sse.next()];
    expect(snap.map((e) => e.event)).toEqual(["snapshot", "snapshot", "snapshot"]);
    expect(snap.map((e) => e.json().data.last ?? e.json().data.ordId)).toEqual(["2", "3", "o1"]);
    const live = ev(b, "ticker", "tickers:SOL-USDT", { instId: "SOL-USDT", last: "9" });
    const got = await sse.next();
    expect({ event: got.event, id: got.id }).toEqual({ event: "ticker", id: live.id });
    sse.close();

    // A client arriving now: the restored entries first, then this run's.
    const later = await openSse(`${b.url}/api/events/stream?channels=tickers:*,orders`, {
      Authorization: `Bearer ${token}`,
    });
    await later.next();
    const items = [await later.next(), await later.next(), await later.next(), await later.next()];
    expect(items.map((e) => e.json().data.last ?? e.json().data.ordId)).toEqual(["2", "3", "o1", "9"]);
    later.close();

    // Sessions: still valid, still revoked, reuse still detected.
    expect((await me(b.url, kept.accessToken)).status).toBe(200);
    const r2 = await post(b.url, "/api/auth/refresh", { refreshToken: kept.refreshToken });
    expect(r2.status).toBe(200);
    const meLoggedOut = await me(b.url, loggedOut.accessToken);
    expect({ status: meLoggedOut.status, code: await errorCode(meLoggedOut) }).toEqual({
      status: 401,
      code: "session_revoked",
    });
    const r3 = await post(b.url, "/api/auth/refresh", { refreshToken: loggedOut.refreshToken });
    expect({ status: r3.status, code: await errorCode(r3) }).toEqual({ status: 401, code: "session_revoked" });
    const reuse = await post(b.url, "/api/auth/refresh", { refreshToken: rotated.refreshToken });
    expect({ status: reuse.status, code: await errorCode(reuse) }).toEqual({ status: 401, code: "token_reused" });
    expect((await me(b.url, next.accessToken)).status).toBe(401); // the reuse revoked the whole family
  });

  test("a position the saved state holds and the exchange no longer has goes: the exchange's first snapshot flattens it", async () => {
    // The embedded simulator starts again with no positions: as a position closed while
    // tradewire was down would be.
    const okx = { OKX_ENABLED: "true", OKX_INSTRUMENTS: "BTC-USDT,BTC-USDT-SWAP" };
    for (const s of servers.splice(0)) await s.close(); // one embedded chDB per process
    const a = await start(okx);
    const token = (await login(a.url)).accessToken;
    const held = async (on: TestServer) => {
      const r = await fetch(`${on.url}/api/account/positions`, { headers: { Authorization: `Bearer ${token}` } });
      return ((await r.json()) as { data: { instId: string }[] }).data.map((p) => p.instId);
    };
    await eventually(async () => (await fetch(`${a.url}/ready`)).status === 200, 30_000);
    await placeOrder(a.url, token, {
      instId: "BTC-USDT-SWAP",
      side: "buy",
      ordType: "market",
      sz: "1",
      tdMode: "cross",
    });
    await eventually(async () => (await held(a)).includes("BTC-USDT-SWAP"), 10_000);
    await a.close();

    const b = await start(okx);
    await eventually(async () => (await held(b)).length === 0, 20_000);
  }, 60_000);
});
