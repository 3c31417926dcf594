// Redis as tradewire's shared hot store: one connection, the auth stores that live there
// (refresh-token families, revocations, stream tickets, rate limits), the state snapshot, and
// the /ready check. Users stay elsewhere (memory now, ClickHouse later).
import type { AuthStores } from "../../auth/stores.ts";
import type { RedisConn } from "./connection.ts";
import { RedisRateLimiter } from "./limiter.ts";
import { RedisTicketStore } from "./tickets.ts";
import { RedisTokenStore } from "./tokens.ts";

export { connectRedis, type RedisConn, type RedisConnOptions } from "./connection.ts";
export { RedisUnavailable } from "./errors.ts";
export { RedisRateLimiter } from "./limiter.ts";
export { StatePersistence, type StatePersistenceOptions } from "./state.ts";
export { RedisTicketStore } from "./tickets.ts";
export { RedisTokenStore } from "./tokens.ts";

/**
 * The auth stores kept in Redis, for `createAuth({ stores })`.
 * @example const auth = await createAuth({ config, log, stores: redisAuthStores(redis) })
 */
export function redisAuthStores(redis: RedisConn, now: () => number = Date.now): Omit<AuthStores, "users"> {
  return {
    tokens: new RedisTokenStore(redis, now),
    tickets: new RedisTicketStore(redis, now),
    limiter: new RedisRateLimiter(redis),
  };
}

/** For /ready: Redis is usable right now, or what the connection is doing instead. */
export function redisCheck(redis: RedisConn): () => { name: string; ok: boolean; detail?: string } {
  return () => {
    const ok = redis.isReady();
    if (ok) return { name: "redis", ok };
    const st = redis.status();
    return {
      name: "redis",
      ok,
      detail: st === "ready" ? "redis connected but not answering" : `redis unreachable (${st})`,
    };
  };
}
