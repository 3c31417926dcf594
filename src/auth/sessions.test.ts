// Session logic without HTTP: login limits, rotation, reuse detection, tickets, verification.
import { describe, expect, test } from "bun:test";
import { testConfig } from "../config.ts";
import { DomainError, RateLimited, Unauthorized } from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { accessTokens } from "./jwt.ts";
import { memoryStores } from "./memory.ts";
import { hashPassword } from "./password.ts";
import { Sessions } from "./sessions.ts";

const PASSWORD = "pass-word-1";
const hash = await hashPassword(PASSWORD);

async function setup(overrides: Parameters<typeof testConfig>[0] = {}, clock: () => number = Date.now) {
  const config = testConfig({ LOGIN_MAX_ATTEMPTS: "100", ...overrides });
  const stores = memoryStores(clock);
  const now = Date.now();
  await stores.users.create({ name: "alice", role: "trader", hash, createdAt: now, updatedAt: now });
  const access = accessTokens(new TextEncoder().encode("s".repeat(32)), config.ACCESS_TOKEN_TTL_S);
  return { stores, sessions: new Sessions(config, stores, access, createLogger("silent")) };
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}

describe("login", () => {
  test("the right password opens a session; wrong password and unknown user look the same", async () => {
    const { sessions } = await setup();
    const ok = await sessions.login("alice", PASSWORD, "1.2.3.4");
    expect(ok.user).toEqual({ name: "alice", role: "trader" });
    expect(ok.tokenType).toBe("Bearer");
    const wrong = await failure(sessions.login("alice", "nope-nope", "1.2.3.4"));
    const unknown = await failure(sessions.login("mallory", "nope-nope", "1.2.3.4"));
    expect([wrong.name, wrong.code, wrong.message]).toEqual([unknown.name, unknown.code, unknown.message]);
    expect(wrong).toBeInstanceOf(Unauthorized);
  });

  test("too many attempts per name are RateLimited with a retry time; successes do not count", async () => {
    const { sessions } = await setup({ LOGIN_MAX_ATTEMPTS: "2", LOGIN_WINDOW_S: "60" });
    for (let i = 0; i < 3; i++) await sessions.login("alice", PASSWORD, `10.0.0.${i}`);
    await failure(sessions.login("alice", "bad-pass", "10.0.1.1"));
    await failure(sessions.login("alice", "bad-pass", "10.0.1.2"));
    const limited = await failure(sessions.login("alice", PASSWORD, "10.0.1.3"));
    expect(limited).toBeInstanceOf(RateLimited);
    expect(limited.retryAfterS).toBeGreaterThanOrEqual(59);
  });

  test("too many attempts from one address are limited across names", async () => {
    const { sessions } = await setup({ LOGIN_MAX_ATTEMPTS: "2" });
    await failure(sessions.login("a1", "bad-pass", "9.9.9.9"));
    await failure(sessions.login("a2", "bad-pass", "9.9.9.9"));
    expect(await failure(sessions.login("alice", PASSWORD, "9.9.9.9"))).toBeInstanceOf(RateLimited);
    expect((await sessions.login("alice", PASSWORD, "8.8.8.8")).user.name).toBe("alice");
  });
});

describe("refresh", () => {
  test("rotates within the family; a reused token revokes the family", async () => {
    const { sessions } = await setup({ REFRESH_REUSE_GRACE_S: "0" });
    const first = await sessions.login("alice", PASSWORD, "ip");
    const second = await sessions.refresh(first.refreshToken);
    expect(second.family).toBe(first.family);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await sessions.verifyAccess(second.accessToken, "bearer")).user).toBe("alice");

    const reuse = await failure(sessions.refresh(first.refreshToken));
    expect(reuse.code).toBe("token_reused");
    expect((await failure(sessions.verifyAccess(second.accessToken, "bearer"))).code).toBe("session_revoked");
    expect((await failure(sessions.verifyAccess(first.accessToken, "bearer"))).code).toBe("session_revoked");
    expect(await failure(sessions.refresh(second.refreshToken))).toBeInstanceOf(Unauthorized);
  });

  test("a rotated token presented again within the grace period is rotated again; later, it revokes the family", async () => {
    let t = Date.now();
    const { sessions } = await setup({ REFRESH_REUSE_GRACE_S: "10" }, () => t);
    const first = await sessions.login("alice", PASSWORD, "ip");
    const tabA = await sessions.refresh(first.refreshToken);
    t += 9_000; // the other tab, with the same cookie
    const tabB = await sessions.refresh(first.refreshToken);
    expect(tabB.family).toBe(first.family);
    expect(new Set([first.refreshToken, tabA.refreshToken, tabB.refreshToken]).size).toBe(3);
    expect((await sessions.verifyAccess(tabA.accessToken, "bearer")).user).toBe("alice");
    expect((await sessions.verifyAccess(tabB.accessToken, "bearer")).user).toBe("alice");
    const next = await sessions.refresh(tabA.refreshToken); // both successors rotate on
    t += 2_000; // 11 s after the first use: a copy in someone else's hands
    expect((await failure(sessions.refresh(first.refreshToken))).code).toBe("token_reused");
    expect((await failure(sessions.verifyAccess(next.accessToken, "bearer"))).code).toBe("session_revoked");
    expect((await failure(sessions.refresh(tabB.refreshToken))).code).toBe("session_revoked");
  });

  test("unknown refresh tokens are refused; other sessions are untouched", async () => {
    const { sessions } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    const b = await sessions.login("alice", PASSWORD, "ip");
    expect((await failure(sessions.refresh("made-up"))).code).toBe("invalid_token");
    await sessions.logout(a.family);
    expect(await failure(sessions.refresh(a.refreshToken))).toBeInstanceOf(Unauthorized);
    expect((await sessions.refresh(b.refreshToken)).family).toBe(b.family);
  });

  test("a deleted user cannot refresh", async () => {
    const { sessions, stores } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    await stores.users.delete("alice");
    expect(await failure(sessions.refresh(a.refreshToken))).toBeInstanceOf(Unauthorized);
  });
});

describe("verifyAccess", () => {
  test("reads the role from the store, and refuses deleted users", async () => {
    const { sessions, stores } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    await stores.users.update("alice", { role: "viewer" });
    expect(await sessions.verifyAccess(a.accessToken, "cookie")).toEqual({
      user: "alice",
      role: "viewer",
      via: "cookie",
      family: a.family,
    });
    await stores.users.delete("alice");
    expect(await failure(sessions.verifyAccess(a.accessToken, "bearer"))).toBeInstanceOf(Unauthorized);
  });
});

describe("stream tickets", () => {
  test("work once and carry the session", async () => {
    const { sessions } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    const p = await sessions.verifyAccess(a.accessToken, "bearer");
    const { ticket, expiresIn } = await sessions.issueTicket(p);
    expect(expiresIn).toBe(30);
    expect(await sessions.redeemTicket(ticket)).toEqual({ user: "alice", role: "trader", via: "ticket", family: a.family });
    expect((await failure(sessions.redeemTicket(ticket))).code).toBe("invalid_ticket");
  });

  test("die with their session", async () => {
    const { sessions } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    const { ticket } = await sessions.issueTicket(await sessions.verifyAccess(a.accessToken, "bearer"));
    await sessions.logout(a.family);
    expect((await failure(sessions.redeemTicket(ticket))).code).toBe("session_revoked");
  });
});
