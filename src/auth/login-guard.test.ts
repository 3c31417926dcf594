// Login budgets without HTTP: the address key, the three budgets, the known-address exemption.
import { describe, expect, test } from "bun:test";
import { RateLimited } from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { addressKey, LoginGuard } from "./login-guard.ts";
import { MemoryRateLimiter } from "./memory.ts";

describe("addressKey", () => {
  test("IPv4 as it is; IPv6 by its /64, written one way; IPv4-mapped IPv6 as IPv4", () => {
    expect(addressKey("203.0.113.5")).toBe("203.0.113.5");
    expect(addressKey("unknown")).toBe("unknown");
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("0:0:0:0:0:ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("64:ff9b::198.51.100.7")).toBe("64:ff9b:0:0::/64");
  });
});

const guard = (limits: { pair?: number; ip?: number; user?: number } = {}) =>
  new LoginGuard(
    new MemoryRateLimiter(),
    {
      LOGIN_MAX_ATTEMPTS: limits.pair ?? 3,
      LOGIN_IP_MAX_ATTEMPTS: limits.ip ?? 100,
      LOGIN_USER_MAX_ATTEMPTS: limits.user ?? 100,
      LOGIN_WINDOW_S: 60,
    },
    createLogger("silent"),
  );

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RateLimited) return `${err.name} ${err.code}`;
    throw err;
  }
  return "admitted";
}

describe("LoginGuard", () => {
  test("a spent (user, address) budget refuses that pair only; a success gives its attempt back", async () => {
    const g = guard({ pair: 2 });
    await g.admit("alice", "1.1.1.1");
    const ok = await g.admit("alice", "1.1.1.1");
    await g.succeeded(ok);
    await g.admit("alice", "1.1.1.1");
    expect(await refused(g.admit("alice", "1.1.1.1"))).toBe("RateLimited rate_limited");
    expect(await refused(g.admit("bob", "1.1.1.1"))).toBe("admitted");
    expect(await refused(g.admit("alice", "2.2.2.2"))).toBe("admitted");
  });

  test("attempts refused by an address budget do not count against the user", async () => {
    const g = guard({ pair: 1, user: 3 });
    for (let i = 0; i < 10; i++) await refused(g.admit("alice", "6.6.6.6"));
    expect((await g.status("alice")).failures).toBe(1);
    expect(await refused(g.admit("alice", "7.7.7.7"))).toBe("admitted");
  });

  test("over the user-wide limit only known addresses get through; clear ends the lock", async () => {
    const g = guard({ user: 2 });
    await g.succeeded(await g.admit("alice", "10.0.0.1")); // her address, known from now on
    await g.admit("alice", "6.6.6.1");
    await g.admit("alice", "6.6.6.2");
    expect(await refused(g.admit("alice", "6.6.6.3"))).toBe("RateLimited login_locked");
    expect(await g.status("alice")).toEqual({ failures: 3, limit: 2, locked: true, retryAfterS: 60 });
    expect(await refused(g.admit("alice", "10.0.0.1"))).toBe("admitted");
    expect(await refused(g.admit("alice", "10.0.0.2"))).toBe("RateLimited login_locked");
    await g.clear("alice");
    expect(await g.status("alice")).toEqual({ failures: 0, limit: 2, locked: false, retryAfterS: 0 });
    expect(await refused(g.admit("alice", "10.0.0.2"))).toBe("admitted");
  });

  test("an attempt never checked is given back everywhere", async () => {
    const g = guard({ pair: 1, ip: 1, user: 1 });
    await g.unchecked(await g.admit("alice", "1.1.1.1"));
    expect(await refused(g.admit("alice", "1.1.1.1"))).toBe("admitted");
  });
});
