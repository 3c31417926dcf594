// Lua scripts run by SHA (EVALSHA), loaded on first use and again after a Redis restart
// (NOSCRIPT): the way a store makes a read-check-write step atomic in one round trip.
import { createHash } from "node:crypto";
import type { RedisConn } from "./connection.ts";

export type Script = (keys: string[], args: Array<string | number>) => Promise<unknown>;

/**
 * @example
 * const incr = script(redis, "return redis.call('INCR', KEYS[1])")
 * const n = await incr(["tw:k"], [])
 */
export function script(redis: RedisConn, lua: string): Script {
  const sha = createHash("sha1").update(lua).digest("hex");
  return (keys, args) =>
    redis.run(async (client) => {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith("NOSCRIPT"))) throw e;
        return client.eval(lua, keys.length, ...keys, ...args);
      }
    });
}
