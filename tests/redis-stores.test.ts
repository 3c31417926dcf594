// The Redis stores against the test command's Redis (DB 1): the same contract as the memory
// stores, namespaced keys that all expire, and the state snapshot written in batches, never per
// event, then loaded in order before anything new.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { authStoreContract, type StoreHarness } from "../src/auth/stores.contract.ts";
import { createLogger } from "../src/log.ts";
import { StateStore } from "../src/state/store.ts";
import {
  connectRedis,
  type RedisConn,
  RedisRateLimiter,
  RedisTicketStore,
  RedisTokenStore,
  RedisUnavailable,
  StatePersistence,
} from "../src/store/redis/index.ts";
import { ChannelFilter } from "../src/stream/channels.ts";
import { textEvent } from "./fixtures/bus-event.ts";
import { inspect, NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("redis-stores");
const log = createLogger("silent");
let url = "";
let conn: RedisConn;
let raw: Redis;
let n = 0;
/** The shared connection under a fresh key prefix: every test starts empty. */
const fresh = (): RedisConn => ({ ...conn, prefix: `t${++n}:` });

beforeAll(async () => {
  if (NO_REDIS) return;
  url = await testRedisUrl(1);
  conn = connectRedis(url, log);
  expect(await conn.waitReady(5_000)).toBe(true);
  raw = await inspect(url);
});
afterAll(async () => {
  await conn?.close();
  raw?.disconnect();
});

const harness: StoreHarness = {
  tokens: () => new RedisTokenStore(fresh()),
  tickets: () => new RedisTicketStore(fresh()),
  limiter: () => new RedisRateLimiter(fresh()),
  now: Date.now,
  advance: (ms) => Bun.sleep(ms),
};
authStoreContract("redis", () => harness, { skip: NO_REDIS });

/** Every key under a prefix with its remaining life in ms (-1: none). */
async function keysWithTtl(prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const k of await raw.keys(`${prefix}*`)) out.set(k, await raw.pttl(k));
  return out;
}

describe.skipIf(NO_REDIS)("Redis stores", () => {
  test("every key is under the prefix and expires (but the generation); values are stored under hashes, not tokens", async () => {
    const c = fresh();
    const tokens = new RedisTokenStore(c);
    const later = Date.now() + 60_000;
    await tokens.touchFamily("fam1", "alice", later);
    await tokens.addRefresh("sha-of-token", { family: "fam1", user: "alice", expiresAt: later });
    await new RedisTicketStore(c).put("sha-of-ticket", { user: "alice", expiresAt: later });
    await new RedisRateLimiter(c).hit("login:user:alice", 5, 60);
    const keys = await keysWithTtl(c.prefix);
    expect([...keys.keys()].sort()).toEqual(
      ["auth:gen", "fam:fam1", "rl:login:user:alice", "rt:sha-of-token", "tk:sha-of-ticket", "ufam:alice"].map(
        (k) => c.prefix + k,
      ),
    );
    // The generation of the auth data lives as long as the data: it is how a loss is noticed.
    expect(keys.get(`${c.prefix}auth:gen`)).toBe(-1);
    keys.delete(`${c.prefix}auth:gen`);
    for (const [k, ttl] of keys) {
      expect({ k, expires: ttl > 0 && ttl <= 60_000 }).toEqual({ k, expires: true });
    }
  });

  test("a user's family set lives as long as the user's longest family", async () => {
    const c = fresh();
    const tokens = new RedisTokenStore(c);
    await tokens.touchFamily("short", "bob", Date.now() + 10_000);
    await tokens.touchFamily("long", "bob", Date.now() + 50_000);
    await tokens.touchFamily("short", "bob", Date.now() + 20_000);
    expect(await raw.pttl(`${c.prefix}ufam:bob`)).toBeGreaterThan(40_000);
  });

  test("while Redis is unreachable: known sessions keep their last state, everything else is RedisUnavailable", async () => {
    const own = connectRedis(url, log, { prefix: `t${++n}:` });
    expect(await own.waitReady(5_000)).toBe(true);
    const tokens = new RedisTokenStore(own);
    await tokens.touchFamily("seen", "carol", Date.now() + 60_000);
    await tokens.touchFamily("other", "carol", Date.now() + 60_000);
    expect(await tokens.familyState("seen")).toBe("active");
    await own.close();
    expect(own.isReady()).toBe(false);

    expect(await tokens.familyState("seen")).toBe("active");
    await expect(tokens.familyState("never-seen")).rejects.toBeInstanceOf(RedisUnavailable);
    await expect(tokens.useRefresh("x")).rejects.toBeInstanceOf(RedisUnavailable);
    await expect(new RedisTicketStore(own).take("x")).rejects.toBeInstanceOf(RedisUnavailable);
    await expect(new RedisRateLimiter(own).hit("k", 1, 60)).rejects.toBeInstanceOf(RedisUnavailable);
    // A logout that cannot reach Redis fails, but this instance stops accepting the session.
    await expect(tokens.revokeFamily("seen")).rejects.toBeInstanceOf(RedisUnavailable);
    expect(await tokens.familyState("seen")).toBe("revoked");
    await expect(tokens.revokeUser("carol")).rejects.toBeInstanceOf(RedisUnavailable);
    expect(await tokens.familyState("other")).toBe("revoked");
  });
});

let seq = 0;
const ev = (type: string, channel: string, data: Record<string, unknown>) => textEvent(++seq, type, channel, data);
const all = new ChannelFilter(["*"], "admin");
const lastOf = (e: { text: string }) => (JSON.parse(e.text) as { data: Record<string, string> }).data;

describe.skipIf(NO_REDIS)("state snapshot persistence", () => {
  test("many changes become one pipelined write; a new store loads them, oldest first, before its own events", async () => {
    const c = connectRedis(url, log, { prefix: `t${++n}:` });
    let pipelines = 0;
    const pipeline = c.client.pipeline.bind(c.client);
    c.client.pipeline = ((...args: Parameters<typeof pipeline>) => {
      pipelines++;
      return pipeline(...args);
    }) as typeof pipeline;
    const state = new StateStore();
    const persisted = new StatePersistence(c, state, log, { intervalMs: 100 });
    await persisted.start(1_000);
    for (let i = 1; i <= 50; i++) {
      state.apply([ev("ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: String(i) })]);
      persisted.poke();
    }
    state.apply([ev("ticker", "tickers:ETH-USDT", { instId: "ETH-USDT", last: "e" })]);
    state.apply([
      ev("order", "orders", { ordId: "o1", state: "live" }),
      ev("order", "orders", { ordId: "o2", state: "live" }),
    ]);
    state.apply([ev("order", "orders", { ordId: "o1", state: "filled" })]);
    persisted.poke();
    await Bun.sleep(250);
    expect(pipelines).toBe(1);
    const saved = await raw.hgetall(`${c.prefix}state`);
    expect(Object.keys(saved).sort()).toEqual(["order:o2", "tickers:BTC-USDT", "tickers:ETH-USDT"]);
    expect(await raw.pttl(`${c.prefix}state`)).toBeGreaterThan(0);
    await persisted.stop();

    // A restarted instance: a ring that starts again at 1, the saved entries first.
    seq = 0;
    const next = new StateStore();
    const loader = new StatePersistence(c, next, log);
    await loader.start(1_000);
    expect(next.snapshot(all).map(lastOf)).toEqual([
      { instId: "BTC-USDT", last: "50" },
      { instId: "ETH-USDT", last: "e" },
      { ordId: "o2", state: "live" },
    ]);
    next.apply([ev("ticker", "tickers:SOL-USDT", { instId: "SOL-USDT", last: "s" })]);
    next.apply([ev("order", "orders", { ordId: "o2", state: "canceled" })]);
    expect(next.snapshot(all).map((e) => lastOf(e).last ?? lastOf(e).ordId)).toEqual(["50", "e", "s"]);
    await loader.stop(); // flushes what is pending: the new ticker and the order's removal
    expect(Object.keys(await raw.hgetall(`${c.prefix}state`)).sort()).toEqual([
      "tickers:BTC-USDT",
      "tickers:ETH-USDT",
      "tickers:SOL-USDT",
    ]);
    await c.close();
  });
});
