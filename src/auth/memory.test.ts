// The in-memory stores keep the contracts the Redis and ClickHouse versions must keep too.
import { describe, expect, test } from "bun:test";
import { MemoryRateLimiter, MemoryTicketStore, MemoryTokenStore, MemoryUserStore } from "./memory.ts";
import { authStoreContract } from "./stores.contract.ts";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("MemoryUserStore", () => {
  test("create refuses a taken name; update and delete report missing users", async () => {
    const s = new MemoryUserStore();
    const u = { name: "a", role: "viewer" as const, hash: "h", createdAt: 1, updatedAt: 1 };
    expect(await s.create(u)).toBe(true);
    expect(await s.create({ ...u, role: "admin" })).toBe(false);
    expect((await s.update("a", { role: "trader" }))?.role).toBe("trader");
    expect(await s.update("b", { role: "trader" })).toBeUndefined();
    expect(await s.delete("a")).toBe(true);
    expect(await s.delete("a")).toBe(false);
  });

  test("returns copies, so callers cannot change what is stored", async () => {
    const s = new MemoryUserStore();
    await s.create({ name: "a", role: "viewer", hash: "h", createdAt: 1, updatedAt: 1 });
    const got = (await s.get("a"))!;
    got.role = "admin";
    expect((await s.get("a"))?.role).toBe("viewer");
  });
});

// The cases every version must pass (Redis runs the same ones in tests/redis-stores.test.ts).
const c = clock();
authStoreContract("memory", () => ({
  tokens: () => new MemoryTokenStore(c.now),
  tickets: () => new MemoryTicketStore(c.now),
  limiter: () => new MemoryRateLimiter(c.now),
  now: c.now,
  advance: async (ms) => void c.advance(ms),
}));

describe("MemoryTokenStore", () => {
  test("sweeps expired entries on later writes", async () => {
    const c = clock();
    const s = new MemoryTokenStore(c.now);
    await s.touchFamily("f", "u", c.now() + 1_000);
    await s.addRefresh("h", { family: "f", user: "u", expiresAt: c.now() + 1_000 });
    c.advance(60_000);
    await s.touchFamily("g", "u", c.now() + 1_000);
    expect(s.size()).toEqual({ families: 1, refresh: 0 });
  });
});

describe("MemoryRateLimiter", () => {
  test("Retry-After is what is left of the window", async () => {
    const c = clock();
    const r = new MemoryRateLimiter(c.now);
    for (let i = 0; i < 3; i++) expect((await r.hit("k", 3, 60)).allowed).toBe(true);
    c.advance(10_500);
    expect(await r.hit("k", 3, 60)).toEqual({ allowed: false, retryAfterS: 50 });
    c.advance(49_500);
    expect((await r.hit("k", 3, 60)).allowed).toBe(true);
  });
});
