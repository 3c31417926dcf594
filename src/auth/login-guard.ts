// Login budgets: failed attempts per (user, address) and per address, and a user-wide limit that
// stops a guess spread over many addresses without locking the owner out where she signed in
// before. Every attempt is counted before the password is checked (so parallel guesses cannot
// race past a budget) and given back when it succeeds or is never checked.
//
// Keys (in the RateLimiter): login:pair:<addr>|<user>, login:ip:<addr>, login:user:<user>,
// and login:known:<addr>|<user> (signed in from there within KNOWN_FOR_S). <addr> is an IPv4
// address, or the /64 of an IPv6 one (one host is given a whole /64).
import type { Config } from "../config.ts";
import { RateLimited } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import type { RateLimiter } from "./stores.ts";

export type LoginLimits = Pick<
  Config,
  "LOGIN_MAX_ATTEMPTS" | "LOGIN_IP_MAX_ATTEMPTS" | "LOGIN_USER_MAX_ATTEMPTS" | "LOGIN_WINDOW_S"
>;

/** How long an address a user signed in from counts as hers. */
export const KNOWN_FOR_S = 30 * 86_400;

/** What an admin sees of a user's user-wide budget. */
export interface LoginLock {
  /** Attempts counted against the user in the current window (any address). */
  failures: number;
  limit: number;
  /** True while addresses the user never signed in from are turned away. */
  locked: boolean;
  /** Seconds until the window ends (0: no window). */
  retryAfterS: number;
}

/** An attempt that was let through; settle it once the password is checked (or not). */
export interface Attempt {
  readonly keys: readonly string[];
  readonly known: string;
}

/**
 * The part of an address that budgets count by: IPv4 as it is, IPv4-mapped IPv6 as IPv4, other
 * IPv6 as its /64 (lowercase, zeros dropped); anything else ("unknown") as it is.
 * @example addressKey("2001:db8:0:1::5") // "2001:db8:0:1::/64"
 */
export function addressKey(ip: string): string {
  const bare = ip.split("%", 1)[0]!.toLowerCase(); // no zone id
  if (!bare.includes(":")) return bare;
  const [head = "", tail] = bare.split("::", 2);
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const v4 = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(right.at(-1) ?? left.at(-1) ?? "");
  const width = left.length + right.length + (v4 ? 1 : 0); // a dotted tail fills two groups
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - width)).fill("0"), ...right];
  const n = groups.map((g) => g.replace(/^0+(?=.)/, ""));
  if (v4 && n.slice(0, 5).every((g) => g === "0") && n[5] === "ffff") return n[6]!;
  return `${n.slice(0, 4).join(":")}::/64`;
}

const limited = (retryAfterS: number) => new RateLimited("too many login attempts; retry later", { retryAfterS });
const locked = (retryAfterS: number) =>
  new RateLimited(
    "too many failed logins for this user from many addresses; sign in from an address used before, wait, or ask an admin to clear the lock",
    { code: "login_locked", retryAfterS },
  );

export class LoginGuard {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: LoginLimits,
    private readonly log: Logger,
  ) {}

  /**
   * Counts an attempt of `user` from `ip`; throws RateLimited when a budget is spent. The
   * user-wide budget is counted only for attempts the address budgets let through, so one
   * address hammering away cannot lock the user for everybody else.
   */
  async admit(user: string, ip: string): Promise<Attempt> {
    const addr = addressKey(ip);
    const { LOGIN_WINDOW_S: windowS } = this.limits;
    const pairKey = `login:pair:${addr}|${user}`;
    const ipKey = `login:ip:${addr}`;
    const [pair, address] = await Promise.all([
      this.limiter.hit(pairKey, this.limits.LOGIN_MAX_ATTEMPTS, windowS),
      this.limiter.hit(ipKey, this.limits.LOGIN_IP_MAX_ATTEMPTS, windowS),
    ]);
    const blocked = [pair, address].filter((d) => !d.allowed);
    if (blocked.length > 0) {
      const retry = Math.max(...blocked.map((d) => d.retryAfterS));
      this.log.warn("login rate limited", { ip, retryAfterS: retry });
      throw limited(retry);
    }
    const userKey = `login:user:${user}`;
    const known = `login:known:${addr}|${user}`;
    const wide = await this.limiter.hit(userKey, this.limits.LOGIN_USER_MAX_ATTEMPTS, windowS);
    if (!wide.allowed && (await this.limiter.peek(known)).count === 0) {
      // The name is not logged: it may be a mistyped password, and it may not exist.
      this.log.warn("login locked for addresses the user never signed in from", { ip, retryAfterS: wide.retryAfterS });
      throw locked(wide.retryAfterS);
    }
    return { keys: [pairKey, ipKey, userKey], known };
  }

  /** The right password: the attempt is given back and the address is remembered as the user's. */
  async succeeded(a: Attempt): Promise<void> {
    await Promise.all([...a.keys.map((k) => this.limiter.refund(k)), this.limiter.mark(a.known, KNOWN_FOR_S)]);
  }

  /** The password was never checked (the server was busy): the attempt is given back. */
  async unchecked(a: Attempt): Promise<void> {
    await Promise.all(a.keys.map((k) => this.limiter.refund(k)));
  }

  async status(user: string): Promise<LoginLock> {
    const w = await this.limiter.peek(`login:user:${user}`);
    const limit = this.limits.LOGIN_USER_MAX_ATTEMPTS;
    return { failures: w.count, limit, locked: w.count > limit, retryAfterS: w.retryAfterS };
  }

  /** Ends the user-wide window: every address may try again (within its own budgets). */
  async clear(user: string): Promise<void> {
    await this.limiter.reset(`login:user:${user}`);
  }
}
