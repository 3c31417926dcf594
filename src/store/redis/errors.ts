// The one error a Redis store throws when Redis cannot be reached, so the HTTP layer can answer
// 503 "redis_unavailable" instead of a 500, and nothing above has to know ioredis's errors.

/** Redis is unreachable (down, reconnecting, or too slow to answer). */
export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
  readonly code = "redis_unavailable";
  constructor(cause?: unknown) {
    super("Redis is unreachable; retry shortly", cause === undefined ? undefined : { cause });
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
