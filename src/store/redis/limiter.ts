// Fixed-window rate-limit counters in Redis, shared by every instance: INCR and PEXPIRE in one
// Lua step, so a window always ends (no counter left without a TTL) and Retry-After is exact.
// Key: prefix+"rl:"+key, an integer that expires when its window ends.
import type { RateDecision, RateLimiter, RateWindow } from "../../auth/stores.ts";
import type { RedisConn } from "./connection.ts";
import { type Script, script } from "./script.ts";

const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

// DECR keeps the TTL; a window that already ended is left alone.
const REFUND = `
local n = tonumber(redis.call('GET', KEYS[1]))
if n and n > 0 then redis.call('DECR', KEYS[1]) end
return 1`;

const PEEK = `return {tonumber(redis.call('GET', KEYS[1])) or 0, redis.call('PTTL', KEYS[1])}`;

export class RedisRateLimiter implements RateLimiter {
  private readonly hitScript: Script;
  private readonly refundScript: Script;
  private readonly peekScript: Script;

  constructor(private readonly redis: RedisConn) {
    this.hitScript = script(redis, HIT);
    this.refundScript = script(redis, REFUND);
    this.peekScript = script(redis, PEEK);
  }

  private key(k: string): string {
    return `${this.redis.prefix}rl:${k}`;
  }

  async hit(key: string, limit: number, windowS: number): Promise<RateDecision> {
    const [n, ttlMs] = (await this.hitScript([this.key(key)], [windowS * 1000])) as [number, number];
    return { allowed: n <= limit, retryAfterS: Math.max(1, Math.ceil(ttlMs / 1000)) };
  }

  async refund(key: string): Promise<void> {
    await this.refundScript([this.key(key)], []);
  }

  async peek(key: string): Promise<RateWindow> {
    const [count, ttlMs] = (await this.peekScript([this.key(key)], [])) as [number, number];
    return count > 0 && ttlMs > 0
      ? { count, retryAfterS: Math.max(1, Math.ceil(ttlMs / 1000)) }
      : { count: 0, retryAfterS: 0 };
  }

  async reset(key: string): Promise<void> {
    await this.redis.run((c) => c.del(this.key(key)));
  }

  async mark(key: string, ttlS: number): Promise<void> {
    await this.redis.run((c) => c.set(this.key(key), 1, "PX", ttlS * 1000));
  }
}
