// Refresh-token families and revocations in Redis, shared by every instance, with a local view
// of the family states this instance has seen so authenticated requests keep working, at once,
// while Redis is down or hung (sessions it knew stay as they were; new logins and rotations
// answer 503), and never from data Redis has lost (local-view.ts: the generation).
//
// Keys (p = prefix): p+"fam:"+id  hash {u: user, r: 0|1 revoked, e: expiresAt}  PEXPIREAT e
//                    p+"ufam:"+user set of family ids                       expires with the last
//                    p+"rt:"+sha256  hash {f, u, e, n: 0 or when first used (ms)}  PEXPIREAT e
//                    p+"auth:gen"    random id of this Redis's auth data, made when missing; no TTL

import { randomToken } from "../../auth/password.ts";
import { type RefreshRecord, type RefreshUse, refreshUse, type TokenStore } from "../../auth/stores.ts";
import type { RedisConn } from "./connection.ts";
import { RedisUnavailable } from "./errors.ts";
import { type FamilyState, LocalView } from "./local-view.ts";
import { type Script, script } from "./script.ts";

type Clock = () => number;

// The generation of the auth data (KEYS[#KEYS]), made from ARGV[#ARGV] when Redis has none: a
// Redis that lost everything answers with a new one, so instances drop what they saw before.
const GEN = `
local function generation(k, candidate)
  local g = redis.call('GET', k)
  if not g then redis.call('SET', k, candidate); g = candidate end
  return g
end
`;

const STATE = `${GEN}
local g = generation(KEYS[2], ARGV[1])
local v = redis.call('HMGET', KEYS[1], 'u', 'r', 'e')
return {g, v[1], v[2], v[3]}`;

const GENERATION = `${GEN}
return generation(KEYS[1], ARGV[1])`;

const TOUCH = `${GEN}
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
return generation(KEYS[3], ARGV[5])`;

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

export class RedisTokenStore implements TokenStore {
  private readonly view: LocalView;
  private readonly state: Script;
  private readonly generation: Script;
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
    this.view = new LocalView(opts.seenMax ?? 100_000);
    this.state = script(redis, STATE);
    this.generation = script(redis, GENERATION);
    this.touch = script(redis, TOUCH);
    this.revoke = script(redis, REVOKE);
    this.revokeAll = script(redis, REVOKE_USER);
    this.use = script(redis, USE);
    this.add = script(redis, ADD);
    // A (re)connect may be to a Redis that lost everything: the view waits for its generation.
    redis.onReady(() => {
      this.view.distrust();
      void this.generation([this.genKey()], [randomToken(12)]).then(
        (g) => this.view.observe(String(g)),
        () => {}, // not answering after all: the view stays untrusted, the next answer settles it
      );
    });
  }

  private key(kind: "fam" | "ufam" | "rt", id: string): string {
    return `${this.redis.prefix}${kind}:${id}`;
  }

  private genKey(): string {
    return `${this.redis.prefix}auth:gen`;
  }

  async touchFamily(family: string, user: string, expiresAt: number): Promise<void> {
    const keys = [this.key("fam", family), this.key("ufam", user), this.genKey()];
    const g = await this.touch(keys, [user, expiresAt, family, this.now(), randomToken(12)]);
    this.view.observe(String(g));
    this.view.set(family, user, "active", expiresAt);
  }

  /**
   * Asks Redis; while Redis cannot be asked (down, or known to hang: no wait), answers what this
   * instance saw last of the Redis data that is still there, or throws RedisUnavailable.
   */
  async familyState(family: string): Promise<FamilyState | undefined> {
    let v: Array<string | null>;
    try {
      v = (await this.state([this.key("fam", family), this.genKey()], [randomToken(12)])) as Array<string | null>;
    } catch (e) {
      const last = e instanceof RedisUnavailable ? this.view.get(family, this.now()) : undefined;
      if (last) return last;
      throw e;
    }
    const [g, user, revoked, exp] = v;
    this.view.observe(String(g));
    const expiresAt = Number(exp);
    if (user == null || !(expiresAt > this.now())) {
      this.view.forget(family);
      return undefined;
    }
    // A logout that reached only this instance (Redis was down) still counts here.
    return this.view.set(family, user, revoked === "1" ? "revoked" : "active", expiresAt);
  }

  async revokeFamily(family: string): Promise<void> {
    this.view.revoke(family); // at least this instance stops accepting it, even if Redis is down
    await this.revoke([this.key("fam", family)], []);
  }

  async revokeUser(user: string): Promise<number> {
    this.view.revokeUser(user);
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
