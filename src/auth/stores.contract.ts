// The behaviour every TokenStore, TicketStore and RateLimiter must show, written once and run
// against each version (memory in memory.test.ts, Redis in tests/redis-stores.test.ts).
import { describe, expect, test } from "bun:test";
import { testConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { accessTokens } from "./jwt.ts";
import { MemoryUserStore } from "./memory.ts";
import { hashPassword, successorTokens } from "./password.ts";
import { Sessions } from "./sessions.ts";
import type { RateLimiter, TicketStore, TokenStore } from "./stores.ts";

export interface StoreHarness {
  /** Fresh, empty stores on each call. */
  tokens(): TokenStore;
  tickets(): TicketStore;
  limiter(): RateLimiter;
  /** The clock the stores judge expiry by. */
  now(): number;
  /** Lets `ms` pass for the stores (a fake clock, or a real wait). */
  advance(ms: number): Promise<void>;
}

/**
 * @example authStoreContract("memory", () => harness)
 */
export function authStoreContract(name: string, h: () => StoreHarness, opts: { skip?: boolean } = {}): void {
  const d = describe.skipIf(Boolean(opts.skip));

  d(`TokenStore contract (${name})`, () => {
    test("a refresh token is fresh once, then used; unknown tokens are undefined", async () => {
      const s = h().tokens();
      await s.touchFamily("f", "u", h().now() + 10_000);
      await s.addRefresh("h1", { family: "f", user: "u", expiresAt: h().now() + 5_000 });
      const first = await s.useRefresh("h1");
      expect(first?.state).toBe("fresh");
      expect(first?.rec).toMatchObject({ family: "f", user: "u" });
      expect((await s.useRefresh("h1"))?.state).toBe("used");
      expect(await s.useRefresh("nope")).toBeUndefined();
    });

    test("later uses are recent within the grace period of the first use, then used", async () => {
      const s = h().tokens();
      await s.addRefresh("h2", { family: "f", user: "u", expiresAt: h().now() + 5_000 });
      expect((await s.useRefresh("h2", 300))?.state).toBe("fresh");
      await h().advance(150);
      expect((await s.useRefresh("h2", 300))?.state).toBe("recent");
      expect((await s.useRefresh("h2", 100))?.state).toBe("used"); // its own grace, not the first caller's
      await h().advance(200); // 350 ms after the first use: the window does not move with later uses
      const late = await s.useRefresh("h2", 300);
      expect(late?.state).toBe("used");
      expect(late?.rec).toMatchObject({ family: "f", user: "u" });
    });

    test("only one of many concurrent uses of a refresh token is fresh", async () => {
      const s = h().tokens();
      await s.addRefresh("h", { family: "f", user: "u", expiresAt: h().now() + 5_000 });
      const all = await Promise.all(Array.from({ length: 8 }, () => s.useRefresh("h")));
      expect(all.filter((r) => r?.state === "fresh")).toHaveLength(1);
      expect(all.filter((r) => r?.state === "used")).toHaveLength(7);
      await s.addRefresh("g", { family: "f", user: "u", expiresAt: h().now() + 5_000 });
      const graced = await Promise.all(Array.from({ length: 8 }, () => s.useRefresh("g", 2_000)));
      expect(graced.filter((r) => r?.state === "fresh")).toHaveLength(1);
      expect(graced.filter((r) => r?.state === "recent")).toHaveLength(7);
    });

    test("expired tokens and families are unknown", async () => {
      const s = h().tokens();
      await s.touchFamily("f", "u", h().now() + 400);
      await s.addRefresh("h1", { family: "f", user: "u", expiresAt: h().now() + 200 });
      await h().advance(220);
      expect(await s.useRefresh("h1")).toBeUndefined();
      expect(await s.familyState("f")).toBe("active");
      await h().advance(200);
      expect(await s.familyState("f")).toBeUndefined();
    });

    test("touching a family extends its life, never shortens it", async () => {
      const s = h().tokens();
      await s.touchFamily("f", "u", h().now() + 200);
      await s.touchFamily("f", "u", h().now() + 5_000);
      await s.touchFamily("f", "u", h().now() + 100);
      await h().advance(250);
      expect(await s.familyState("f")).toBe("active");
    });

    test("revokeUser revokes every active family of that user only", async () => {
      const s = h().tokens();
      const later = h().now() + 60_000;
      await s.touchFamily("f1", "u", later);
      await s.touchFamily("f2", "u", later);
      await s.touchFamily("g", "v", later);
      await s.revokeFamily("f1");
      expect(await s.revokeUser("u")).toBe(1);
      expect(await s.familyState("f1")).toBe("revoked");
      expect(await s.familyState("f2")).toBe("revoked");
      expect(await s.familyState("g")).toBe("active");
      expect(await s.revokeUser("nobody")).toBe(0);
    });

    test("adding a refresh token that exists keeps its record and its first use", async () => {
      const s = h().tokens();
      await s.addRefresh("h", { family: "f", user: "u", expiresAt: h().now() + 5_000 });
      expect((await s.useRefresh("h", 2_000))?.state).toBe("fresh");
      await s.addRefresh("h", { family: "g", user: "v", expiresAt: h().now() + 60_000 });
      const again = await s.useRefresh("h", 2_000);
      expect(again?.state).toBe("recent");
      expect(again?.rec).toMatchObject({ family: "f", user: "u" });
    });

    test("touching a revoked family does not revive it; revoking an unknown one creates nothing", async () => {
      const s = h().tokens();
      await s.touchFamily("f", "u", h().now() + 60_000);
      await s.revokeFamily("f");
      await s.touchFamily("f", "u", h().now() + 120_000);
      expect(await s.familyState("f")).toBe("revoked");
      await s.revokeFamily("ghost");
      expect(await s.familyState("ghost")).toBeUndefined();
    });
  });

  d(`Sessions on these stores (${name})`, () => {
    const password = "contract-password";
    const sessions = async (graceS: string) => {
      const config = testConfig({ REFRESH_REUSE_GRACE_S: graceS, LOGIN_MAX_ATTEMPTS: "100" });
      const users = new MemoryUserStore();
      const t = Date.now();
      await users.create({
        name: "alice",
        role: "trader",
        hash: await hashPassword(password),
        createdAt: t,
        updatedAt: t,
      });
      const key = new TextEncoder().encode("c".repeat(32));
      const stores = { users, tokens: h().tokens(), tickets: h().tickets(), limiter: h().limiter() };
      return new Sessions(config, stores, accessTokens(key, 60), createLogger("silent"), successorTokens(key));
    };

    test("20 parallel refreshes of one token within the grace period get one and the same successor", async () => {
      const s = await sessions("10");
      const first = await s.login("alice", password, "1.2.3.4");
      const all = await Promise.all(Array.from({ length: 20 }, () => s.refresh(first.refreshToken)));
      expect(new Set(all.map((r) => r.refreshToken)).size).toBe(1);
      expect(all.every((r) => r.family === first.family)).toBe(true);
      // The one successor rotates on; presented again within the grace it converges the same way.
      const next = await Promise.all([0, 1].map(() => s.refresh(all[0]!.refreshToken)));
      expect(new Set(next.map((r) => r.refreshToken)).size).toBe(1);
      expect(next[0]!.refreshToken).not.toBe(all[0]!.refreshToken);
      expect((await s.refresh(next[0]!.refreshToken)).family).toBe(first.family);
    });
  });

  d(`TicketStore contract (${name})`, () => {
    test("a ticket can be taken once, and not after it expires", async () => {
      const s = h().tickets();
      await s.put("a", { user: "u", family: "f", expiresAt: h().now() + 200 });
      await s.put("b", { user: "u", expiresAt: h().now() + 200 });
      expect(await s.take("a")).toEqual({ user: "u", family: "f", expiresAt: expect.any(Number) });
      expect(await s.take("a")).toBeUndefined();
      await h().advance(220);
      expect(await s.take("b")).toBeUndefined();
      expect(await s.take("never")).toBeUndefined();
    });

    test("only one of many concurrent takes gets the ticket", async () => {
      const s = h().tickets();
      await s.put("t", { user: "u", expiresAt: h().now() + 5_000 });
      const all = await Promise.all(Array.from({ length: 8 }, () => s.take("t")));
      expect(all.filter((r) => r !== undefined)).toHaveLength(1);
    });
  });

  d(`RateLimiter contract (${name})`, () => {
    test("allows `limit` hits per window, then says when to retry; the window ends", async () => {
      const r = h().limiter();
      for (let i = 0; i < 3; i++) expect((await r.hit("k", 3, 1)).allowed).toBe(true);
      expect(await r.hit("k", 3, 1)).toEqual({ allowed: false, retryAfterS: 1 });
      expect((await r.hit("other", 3, 1)).allowed).toBe(true);
      await h().advance(1_050);
      expect((await r.hit("k", 3, 1)).allowed).toBe(true);
    });

    test("retryAfterS counts down the window in whole seconds", async () => {
      const r = h().limiter();
      await r.hit("k", 1, 60);
      const d = await r.hit("k", 1, 60);
      expect(d.allowed).toBe(false);
      expect(d.retryAfterS).toBe(60);
    });

    test("peek tells the window without counting; reset ends it; mark remembers a key for a while", async () => {
      const r = h().limiter();
      expect(await r.peek("k")).toEqual({ count: 0, retryAfterS: 0 });
      await r.hit("k", 1, 60);
      await r.hit("k", 1, 60);
      expect(await r.peek("k")).toEqual({ count: 2, retryAfterS: 60 });
      expect(await r.peek("k")).toEqual({ count: 2, retryAfterS: 60 });
      await r.reset("k");
      expect(await r.peek("k")).toEqual({ count: 0, retryAfterS: 0 });
      expect((await r.hit("k", 1, 60)).allowed).toBe(true);
      await r.mark("known", 1);
      expect((await r.peek("known")).count).toBe(1);
      await r.mark("known", 1); // again: still one, the time starts over
      expect((await r.peek("known")).count).toBe(1);
      await h().advance(1_050);
      expect(await r.peek("known")).toEqual({ count: 0, retryAfterS: 0 });
    });

    test("a refund gives one attempt back, and never below zero", async () => {
      const r = h().limiter();
      await r.hit("k", 1, 60);
      await r.refund("k");
      expect((await r.hit("k", 1, 60)).allowed).toBe(true);
      expect((await r.hit("k", 1, 60)).allowed).toBe(false);
      await r.refund("fresh");
      await r.refund("fresh");
      expect((await r.hit("fresh", 1, 60)).allowed).toBe(true);
      expect((await r.hit("fresh", 1, 60)).allowed).toBe(false);
    });
  });
}
