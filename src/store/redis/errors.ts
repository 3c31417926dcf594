// The one error a Redis store throws when Redis cannot be reached: a StoreUnavailable (the HTTP
// layer answers 503 "redis_unavailable", Retry-After 1), so nothing above knows ioredis's errors.
import { StoreUnavailable } from "../../domain/errors.ts";

/** Redis is unreachable (down, reconnecting, or too slow to answer). */
export class RedisUnavailable extends StoreUnavailable {
  override name = "RedisUnavailable";
  constructor(cause?: unknown) {
    super("Redis is unreachable; retry shortly", { code: "redis_unavailable", retryAfterS: 1, cause });
  }
}

/** Redis answered with an error (a bug: wrong type, script error): not an outage. */
function isReplyError(e: unknown): boolean {
  return e instanceof Error && e.name === "ReplyError";
}

/**
 * Runs one Redis call; connection errors (closed, offline, timeout, retries used up) become
 * RedisUnavailable, errors Redis itself answered stay as they are.
 * @example const v = await call(() => redis.get(key))
 */
export async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RedisUnavailable || isReplyError(e)) throw e;
    throw new RedisUnavailable(e);
  }
}
