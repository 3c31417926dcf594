// Refresh-token families and revocations in Redis, shared by every instance, with a local copy
// of the family states this instance has seen so authenticated requests keep working while
// Redis is down (sessions it knew stay as they were; new logins and rotations answer 503).
//
// Keys (p = prefix): p+"fam:"+id  hash {u: user, r: 0|1 revoked, e: expiresAt}  PEXPIREAT e
//                    p+"ufam:"+user set of family ids                       expires with the last
//                    p+"rt:"+sha256  hash {f, u, e, n: 0 or when first used (ms)}  PEXPIREAT e
import { refreshUse, type RefreshRecord, type RefreshUse, type TokenStore } from "../../auth/stores.ts";
import type { RedisConn } from "./connection.ts";
import { call, RedisUnavailable } from "./errors.ts";
import { script, type Script } from "./script.ts";

type Clock = () => number;
type FamilyState = "active" | "revoked";

const TOUCH = `
local e = tonumber(ARGV[2])
local cur = tonumber(redis.call('HGET', KEYS[1], 'e'))
if cur then
  if e > cur then redis.call('HSET', KEYS[1], 'e', e); redis.call('PEXPIREAT', KEYS[1], e) end
else
  redis.call('HSET', KEYS[1], 'u', ARGV[1], 'r', 0, 'e', e)
  redis.call('PEXPIREAT', KEYS[1], e)
  redis.call('SADD', KEYS[2], ARGV[3])
end
local ttl = redis.call('PTTL', KEYS[2])
if ttl == -1 or ttl < e - tonumber(ARGV[4]) then redis.call('PEXPIREAT', KEYS[2], e) end
return 1`;

const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'r', 1) end
return 1`;

const REVOKE_USER = `
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local k = ARGV[1] .. id
  local r = redis.call('HGET', k, 'r')
  if not r then redis.call('SREM', KEYS[1], id)
  elseif r == '0' then redis.call('HSET', k, 'r', 1); n = n + 1 end
end
return n`;

// Stores a refresh token unless it is there already (a successor handed out again keeps its use).
const ADD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 'u', ARGV[2], 'e', ARGV[3], 'n', 0)
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`;

// Marks used (the time of the first use, ARGV[1]) and returns what it was, in one step: exactly
// one caller sees n = "0". Tokens written before n held a time have n = "1": long used.
const USE = `
local v = redis.call('HMGET', KEYS[1], 'f', 'u', 'e', 'n')
if not v[1] then return false end
if v[4] == '0' then redis.call('HSET', KEYS[1], 'n', ARGV[1]) end
return v`;

/** Family states this instance saw last, oldest dropped first beyond `max`. */
class SeenFamilies {
  private readonly map = new Map<string, { user: string; state: FamilyState; expiresAt: number }>();
  constructor(private readonly max: number) {}

  get(id: string, now: number): FamilyState | undefined {
    const f = this.map.get(id);
    return f && f.expiresAt > now ? f.state : undefined;
  }
  /** Records a state and returns the merged one: a revocation seen here is never undone. */
  set(id: string, user: string, state: FamilyState, expiresAt: number): FamilyState {
    const prev = this.map.get(id);
    this.map.delete(id);
    const s = prev?.state === "revoked" ? "revoked" : state;
    this.map.set(id, { user, state: s, expiresAt: Math.max(expiresAt, prev?.expiresAt ?? 0) });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return s;
  }
  revoke(id: string): void {
    const f = this.map.get(id);
    if (f) f.state = "revoked";
  }
  revokeUser(user: string): void {
    for (const f of this.map.values()) if (f.user === user) f.state = "revoked";
  }
}

export class RedisTokenStore implements TokenStore {
  private readonly seen: SeenFamilies;
  private readonly touch: Script;
  private readonly revoke: Script;
  private readonly revokeAll: Script;
  private readonly use: Script;
  private readonly add: Script;

  constructor(
    private readonly redis: RedisConn,
    private readonly now: Clock = Date.now,
    opts: { seenMax?: number } = {},
  ) {
    this.seen = new SeenFamilies(opts.seenMax ?? 100_000);
    this.touch = script(redis.client, TOUCH);
    this.revoke = script(redis.client, REVOKE);
    this.revokeAll = script(redis.client, REVOKE_USER);
    this.use = script(redis.client, USE);
    this.add = script(redis.client, ADD);
  }

  private key(kind: "fam" | "ufam" | "rt", id: string): string {
    return `${this.redis.prefix}${kind}:${id}`;
  }

  async touchFamily(family: string, user: string, expiresAt: number): Promise<void> {
    await this.touch([this.key("fam", family), this.key("ufam", user)], [user, expiresAt, family, this.now()]);
    this.seen.set(family, user, "active", expiresAt);
  }

  /** Asks Redis; while Redis is unreachable, answers what this instance saw last (or throws). */
  async familyState(family: string): Promise<FamilyState | undefined> {
    let v: Array<string | null>;
    try {
      v = await call(() => this.redis.client.hmget(this.key("fam", family), "u", "r", "e"));
    } catch (e) {
      const last = e instanceof RedisUnavailable ? this.seen.get(family, this.now()) : undefined;
      if (last) return last;
      throw e;
    }
    const [user, revoked, exp] = v;
    const expiresAt = Number(exp);
    if (user == null || !(expiresAt > this.now())) return undefined;
    // A logout that reached only this instance (Redis was down) still counts here.
    return this.seen.set(family, user, revoked === "1" ? "revoked" : "active", expiresAt);
  }

  async revokeFamily(family: string): Promise<void> {
    this.seen.revoke(family); // at least this instance stops accepting it, even if Redis is down
    await this.revoke([this.key("fam", family)], []);
  }

  async revokeUser(user: string): Promise<number> {
    this.seen.revokeUser(user);
    return Number(await this.revokeAll([this.key("ufam", user)], [this.key("fam", "")]));
  }

  async addRefresh(hash: string, rec: RefreshRecord): Promise<void> {
    await this.add([this.key("rt", hash)], [rec.family, rec.user, rec.expiresAt]);
  }

  async useRefresh(hash: string, graceMs = 0): Promise<{ state: RefreshUse; rec: RefreshRecord } | undefined> {
    const now = this.now();
    const v = (await this.use([this.key("rt", hash)], [String(now)])) as Array<string | null> | null;
    if (!v) return undefined;
    const [family, user, exp, used] = v;
    const rec = { family: family ?? "", user: user ?? "", expiresAt: Number(exp) };
    if (!(rec.expiresAt > now)) return undefined;
    return { state: refreshUse(used === "0" ? null : Number(used), now, graceMs), rec };
  }
}
