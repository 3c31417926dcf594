// A Redis that keeps its socket open but answers nothing (SIGSTOP): the connection stops counting
// as ready within a few PINGs or at the first command that times out, refuses calls at once
// from then on instead of letting each wait for its timeout, and counts again once Redis answers
// (SIGCONT).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createLogger } from "../src/log.ts";
import { connectRedis, type RedisConn, RedisUnavailable } from "../src/store/redis/index.ts";
import { NO_REDIS, noteSkip, type OwnRedis, startOwnRedis } from "./redis-helpers.ts";

noteSkip("redis-hang");
let redis: OwnRedis;
let conn: RedisConn;
const lines: string[] = [];

beforeAll(async () => {
  if (NO_REDIS) return;
  redis = await startOwnRedis();
  conn = connectRedis(
    redis.url,
    createLogger("debug", {}, (l) => lines.push(l)),
    { pingEveryMs: 100, commandTimeoutMs: 300 },
  );
});
afterAll(async () => {
  await conn?.close();
  await redis?.stop();
});

const until = async (what: string, f: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
};

test.skipIf(NO_REDIS)("a hung Redis is not ready; it is again once it answers", async () => {
  expect(await conn.waitReady(5_000)).toBe(true);
  expect(conn.isReady()).toBe(true);
  redis.pause();
  await until("not ready", () => !conn.isReady());
  expect(conn.status()).toBe("ready"); // the socket is still up: only the PING tells
  expect(lines.some((l) => l.includes("redis connected but not answering"))).toBe(true);
  redis.resume();
  await until("ready again", () => conn.isReady());
  expect(lines.some((l) => l.includes("redis answers again"))).toBe(true);
});

test.skipIf(NO_REDIS)(
  "a command that times out marks Redis as not answering: later calls are refused without being sent",
  async () => {
    const own = connectRedis(redis.url, createLogger("silent"), { pingEveryMs: 1_000, commandTimeoutMs: 200 });
    try {
      expect(await own.waitReady(5_000)).toBe(true);
      await until("answering", () => own.isReady());
      expect(await own.run((c) => c.ping())).toBe("PONG");
      redis.pause();
      await expect(own.run((c) => c.get("k"))).rejects.toBeInstanceOf(RedisUnavailable);
      expect(own.isReady()).toBe(false);
      let sent = false;
      const refused = own.run(async (c) => {
        sent = true;
        return c.get("k");
      });
      await expect(refused).rejects.toBeInstanceOf(RedisUnavailable);
      expect(sent).toBe(false);
      redis.resume();
      await until("ready again", () => own.isReady());
      expect(await own.run((c) => c.ping())).toBe("PONG");
    } finally {
      redis.resume();
      await own.close();
    }
  },
);
