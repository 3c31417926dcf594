// Signed-in requests while Redis hangs (SIGSTOP: the socket stays open, nothing answers), on a
// redis-server of this test's own: once tradewire knows Redis is not answering, requests answer at
// once (sessions this instance has checked go on from its local view, everything that needs Redis
// is 503) instead of each waiting for the 1 s command timeout; and the local view never brings
// back a session Redis has forgotten: after Redis restarts empty and then hangs, old tokens stay
// refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ADMIN_PASSWORD, eventually, startTestServer, type TestServer } from "./helpers.ts";
import { NO_REDIS, noteSkip, type OwnRedis, startOwnRedis } from "./redis-helpers.ts";

noteSkip("redis-hang-auth");
let redis: OwnRedis;
let s: TestServer;

beforeAll(async () => {
  if (NO_REDIS) return;
  redis = await startOwnRedis();
  s = await startTestServer({ REDIS_URL: redis.url, CLICKHOUSE_ENABLED: "false" });
});
afterAll(async () => {
  redis?.resume();
  await s?.close();
  await redis?.stop();
});

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const login = async () => {
  const r = await post("/api/auth/login", { username: "admin", password: ADMIN_PASSWORD });
  expect(r.status).toBe(200);
  return ((await r.json()) as { accessToken: string }).accessToken;
};
const me = async (token: string) => {
  const r = await fetch(`${s.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
  return {
    status: r.status,
    code: r.status === 200 ? undefined : ((await r.json()) as { error: { code: string } }).error.code,
  };
};
const readyStatus = async () => (await fetch(`${s.url}/ready`)).status;
/** Redis stopped, and tradewire has noticed (/ready names it). */
const hang = async () => {
  redis.pause();
  await eventually(async () => (await readyStatus()) === 503, 10_000);
};
const unhang = async () => {
  redis.resume();
  await eventually(async () => (await readyStatus()) === 200, 10_000);
};

describe.skipIf(NO_REDIS)("a hung Redis", () => {
  test("once known hung, signed-in requests answer at once: checked sessions go on, what needs Redis is 503", async () => {
    const token = await login();
    expect((await me(token)).status).toBe(200);
    await hang();

    // 20 requests one after another, stopped as soon as the time one command timeout (1 s) takes
    // has passed: had any of them waited for Redis, they could not all fit in it.
    const started = performance.now();
    const answers: number[] = [];
    while (answers.length < 20 && performance.now() - started < 1_000) answers.push((await me(token)).status);
    expect(answers).toEqual(Array(20).fill(200));

    // What needs Redis answers 503 as quickly.
    const quick = performance.now();
    const needRedis = [
      await post("/api/auth/login", { username: "admin", password: ADMIN_PASSWORD }),
      await post("/api/auth/stream-ticket", {}, token),
    ];
    expect(needRedis.map((r) => r.status)).toEqual([503, 503]);
    expect(performance.now() - quick).toBeLessThan(1_000);

    await unhang();
    expect((await me(token)).status).toBe(200);
  }, 30_000); // noticing a hang takes a PING interval or two (2 s each)

  test("after Redis comes back empty, old sessions stay ended even while it hangs again; new ones go on", async () => {
    const checked = await login(); // checked again after the restart
    const unchecked = await login(); // not looked at between the restart and the hang
    expect((await me(checked)).status).toBe(200);
    expect((await me(unchecked)).status).toBe(200);

    await redis.kill();
    await redis.start(); // empty: every session and revocation it held is gone
    await eventually(async () => (await readyStatus()) === 200, 10_000);
    expect(await me(checked)).toEqual({ status: 401, code: "session_revoked" });

    await hang();
    for (const token of [checked, unchecked]) {
      const answer = await me(token);
      expect(answer.status).not.toBe(200);
      expect([401, 503]).toContain(answer.status);
    }

    // A session of the new Redis is served from the local view while it hangs.
    await unhang();
    const fresh = await login();
    expect((await me(fresh)).status).toBe(200);
    await hang();
    expect((await me(fresh)).status).toBe(200);
    expect((await me(checked)).status).not.toBe(200);
    await unhang();
  }, 30_000);
});
