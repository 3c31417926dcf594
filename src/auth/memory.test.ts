// The in-memory stores keep the contracts the Redis and ClickHouse versions must keep too.
import { describe, expect, test } from "bun:test";
import { MemoryRateLimiter, MemoryTicketStore, MemoryTokenStore, MemoryUserStore } from "./memory.ts";

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

describe("MemoryTokenStore", () => {
  test("a refresh token is fresh once, then used", async () => {
    const c = clock();
    const s = new MemoryTokenStore(c.now);
    await s.touchFamily("f", "u", c.now() + 10_000);
    await s.addRefresh("h1", { family: "f", user: "u", expiresAt: c.now() + 5_000 });
    expect((await s.useRefresh("h1"))?.state).toBe("fresh");
    expect((await s.useRefresh("h1"))?.state).toBe("used");
    expect(await s.useRefresh("nope")).toBeUndefined();
  });

  test("expired tokens and families are unknown", async () => {
    const c = clock();
    const s = new MemoryTokenStore(c.now);
    await s.touchFamily("f", "u", c.now() + 10_000);
    await s.addRefresh("h1", { family: "f", user: "u", expiresAt: c.now() + 5_000 });
    c.advance(5_000);
    expect(await s.useRefresh("h1")).toBeUndefined();
    expect(await s.familyState("f")).toBe("active");
    c.advance(5_000);
    expect(await s.familyState("f")).toBeUndefined();
  });

  test("revokeUser revokes every active family of that user only", async () => {
    const s = new MemoryTokenStore();
    const later = Date.now() + 60_000;
    await s.touchFamily("f1", "u", later);
    await s.touchFamily("f2", "u", later);
    await s.touchFamily("g", "v", later);
    await s.revokeFamily("f1");
    expect(await s.revokeUser("u")).toBe(1);
    expect(await s.familyState("f2")).toBe("revoked");
    expect(await s.familyState("g")).toBe("active");
  });

  test("touching a revoked family does not revive it", async () => {
    const s = new MemoryTokenStore();
    await s.touchFamily("f", "u", Date.now() + 60_000);
    await s.revokeFamily("f");
    await s.touchFamily("f", "u", Date.now() + 120_000);
    expect(await s.familyState("f")).toBe("revoked");
  });

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

describe("MemoryTicketStore", () => {
  test("a ticket can be taken once, and not after it expires", async () => {
    const c = clock();
    const s = new MemoryTicketStore(c.now);
    await s.put("a", { user: "u", expiresAt: c.now() + 1_000 });
    await s.put("b", { user: "u", expiresAt: c.now() + 1_000 });
    expect((await s.take("a"))?.user).toBe("u");
    expect(await s.take("a")).toBeUndefined();
    c.advance(1_000);
    expect(await s.take("b")).toBeUndefined();
  });
});

describe("MemoryRateLimiter", () => {
  test("allows `limit` hits per window, then says when to retry", async () => {
    const c = clock();
    const r = new MemoryRateLimiter(c.now);
    for (let i = 0; i < 3; i++) expect((await r.hit("k", 3, 60)).allowed).toBe(true);
    c.advance(10_500);
    const d = await r.hit("k", 3, 60);
    expect(d).toEqual({ allowed: false, retryAfterS: 50 });
    expect((await r.hit("other", 3, 60)).allowed).toBe(true);
    c.advance(49_500);
    expect((await r.hit("k", 3, 60)).allowed).toBe(true);
  });

  test("a refund gives one attempt back", async () => {
    const r = new MemoryRateLimiter();
    await r.hit("k", 1, 60);
    await r.refund("k");
    expect((await r.hit("k", 1, 60)).allowed).toBe(true);
    expect((await r.hit("k", 1, 60)).allowed).toBe(false);
  });
});
