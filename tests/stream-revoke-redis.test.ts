// Revocations made on another instance (two tradewire servers sharing the test Redis, DB 7):
// streams here end within a few seconds (each instance re-checks its connected sessions every
// STREAM_AUTH_CHECK_MS), and a WebSocket subscribe is checked against the session at once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSse, startTestServer, type TestServer } from "./helpers.ts";
import { NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";
import { call, login, untilEnd, WsProbe, wsUrl } from "./stream-helpers.ts";

noteSkip("stream-revoke-redis");
const JWT_SECRET = "stream-revoke-redis-test-secret-0123456789"; // both instances sign alike
let a: TestServer; // re-checks every 500 ms
let b: TestServer; // re-checks once a minute: only a subscribe asks sooner
let adminA = "";
let adminB = "";

beforeAll(async () => {
  if (NO_REDIS) return;
  const url = await testRedisUrl(7);
  const common = { REDIS_URL: url, JWT_SECRET, CLICKHOUSE_ENABLED: "false" };
  a = await startTestServer({ ...common, STREAM_AUTH_CHECK_MS: "500" });
  b = await startTestServer({ ...common, STREAM_AUTH_CHECK_MS: "60000" });
  adminA = await a.token();
  adminB = await b.token();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** The same user on both instances (users are per instance here; sessions are in Redis). */
async function userOnBoth(name: string): Promise<string> {
  const pw = `${name}-password-1`;
  for (const [s, admin] of [
    [a, adminA],
    [b, adminB],
  ] as const) {
    expect((await call(s.url, "POST", "/api/users", admin, { name, password: pw, role: "trader" })).status).toBe(201);
  }
  return pw;
}

async function streamsOn(s: TestServer, token: string) {
  const sse = await openSse(`${s.url}/api/events/stream?channels=orders`, bearer(token));
  expect((await sse.next()).event).toBe("connected");
  const ws = await WsProbe.open(wsUrl(s.url, "?channels=orders"), token);
  await ws.next((m) => m.type === "connected");
  return { sse, ws };
}

async function expectEnded(st: Awaited<ReturnType<typeof streamsOn>>, reason: string, ms: number) {
  const frames = await untilEnd(st.sse, ms);
  expect(frames.at(-1)).toEqual({ event: "revoked", data: JSON.stringify({ reason }) });
  expect(await st.ws.closedBy(ms)).toEqual({ code: 4401, reason });
}

describe.skipIf(NO_REDIS)("revocations across instances", () => {
  test("a logout on the other instance ends the streams here within a few seconds", async () => {
    const l = await login(a.url);
    const st = await streamsOn(a, l.accessToken);
    const t0 = Date.now();
    expect((await call(b.url, "POST", "/api/auth/logout", l.accessToken, {})).status).toBe(204);
    await expectEnded(st, "session_ended", 5000);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await fetch(`${a.url}/api/events/stream`, { headers: bearer(l.accessToken) })).status).toBe(401);
  });

  test("a user deleted or changed on the other instance: her streams here end", async () => {
    const pw = await userOnBoth("cleo");
    const st = await streamsOn(a, (await login(a.url, "cleo", pw)).accessToken);
    expect((await call(b.url, "PATCH", "/api/users/cleo", adminB, { role: "viewer" })).status).toBe(200);
    await expectEnded(st, "session_ended", 5000);
    const again = await streamsOn(a, (await login(a.url, "cleo", pw)).accessToken);
    expect((await call(b.url, "DELETE", "/api/users/cleo", adminB)).status).toBe(204);
    await expectEnded(again, "session_ended", 5000);
  });

  test("a subscribe is checked against the session at once, not at the next re-check", async () => {
    const l = await login(b.url);
    const ws = await WsProbe.open(wsUrl(b.url, "?channels=tickers:*"), l.accessToken);
    await ws.next((m) => m.type === "connected");
    ws.send({ op: "subscribe", channels: ["positions"] });
    expect((await ws.next((m) => m.type === "subscribed")).channels).toEqual(["positions", "tickers:*"]);
    expect((await call(a.url, "POST", "/api/auth/logout", l.accessToken, {})).status).toBe(204);
    ws.send({ op: "subscribe", channels: ["balances"] });
    expect((await ws.next((m) => m.type === "revoked")).reason).toBe("session_ended");
    expect(await ws.closedBy()).toEqual({ code: 4401, reason: "session_ended" });
    expect(ws.msgs.filter((m) => m.type === "subscribed")).toEqual([]);
  });
});
