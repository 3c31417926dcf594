// Session logic without HTTP: login limits, rotation, reuse detection, tickets, verification.
import { describe, expect, test } from "bun:test";
import { testConfig } from "../config.ts";
import { Busy, DomainError, RateLimited, Unauthorized } from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { accessTokens } from "./jwt.ts";
import { memoryStores } from "./memory.ts";
import { hashPassword, successorTokens } from "./password.ts";
import { type Revocation, Revocations } from "./revocations.ts";
import { Sessions } from "./sessions.ts";

const PASSWORD = "pass-word-1";
const hash = await hashPassword(PASSWORD);

async function setup(overrides: Parameters<typeof testConfig>[0] = {}, clock: () => number = Date.now) {
  const config = testConfig({ LOGIN_MAX_ATTEMPTS: "100", ...overrides });
  const stores = memoryStores(clock);
  const now = Date.now();
  await stores.users.create({ name: "alice", role: "trader", hash, createdAt: now, updatedAt: now });
  const key = new TextEncoder().encode("s".repeat(32));
  const access = accessTokens(key, config.ACCESS_TOKEN_TTL_S);
  const revocations = new Revocations();
  const told: Revocation[] = [];
  revocations.on((r) => told.push(r));
  const sessions = new Sessions(config, stores, access, createLogger("silent"), successorTokens(key), revocations);
  return { stores, sessions, told };
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

  test("too many failures for a name from one address answer 429 with Retry-After; successes do not count", async () => {
    const { sessions } = await setup({ LOGIN_MAX_ATTEMPTS: "2", LOGIN_WINDOW_S: "60" });
    for (let i = 0; i < 3; i++) await sessions.login("alice", PASSWORD, "10.0.1.1");
    await failure(sessions.login("alice", "bad-pass", "10.0.1.1"));
    await failure(sessions.login("alice", "bad-pass", "10.0.1.1"));
    const limited = await failure(sessions.login("alice", PASSWORD, "10.0.1.1"));
    expect(limited).toBeInstanceOf(RateLimited);
    expect(limited.retryAfterS).toBeGreaterThanOrEqual(59);
    expect((await sessions.login("alice", PASSWORD, "10.0.1.2")).user.name).toBe("alice");
  });

  test("too many failures from one address are limited across names", async () => {
    const { sessions } = await setup({ LOGIN_IP_MAX_ATTEMPTS: "2" });
    await failure(sessions.login("a1", "bad-pass", "9.9.9.9"));
    await failure(sessions.login("a2", "bad-pass", "9.9.9.9"));
    expect(await failure(sessions.login("alice", PASSWORD, "9.9.9.9"))).toBeInstanceOf(RateLimited);
    expect((await sessions.login("alice", PASSWORD, "8.8.8.8")).user.name).toBe("alice");
  });

  test("beyond the verification places and their queue a login is turned away at once, and its attempt given back", async () => {
    const { sessions } = await setup({
      LOGIN_VERIFY_CONCURRENCY: "1",
      LOGIN_VERIFY_QUEUE: "1",
      LOGIN_MAX_ATTEMPTS: "3",
    });
    const three = [1, 2, 3].map(() => failure(sessions.login("alice", "bad-pass", "7.7.7.7")));
    const answers = await Promise.all(three);
    expect(answers.map((e) => e.name).sort()).toEqual(["Busy", "Unauthorized", "Unauthorized"]);
    const busy = answers.find((e) => e instanceof Busy)!;
    expect([busy.code, busy.retryAfterS]).toEqual(["login_busy", 1]);
    // The turned-away attempt was not a failure: one of the three is left for the right password.
    expect((await sessions.login("alice", PASSWORD, "7.7.7.7")).user.name).toBe("alice");
    expect(sessions.verifications()).toMatchObject({
      running: 0,
      queued: 0,
      peakRunning: 1,
      peakQueued: 1,
      rejected: 1,
    });
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

  test("a rotated token presented again within the grace period gets the same successor; later, it revokes the family", async () => {
    let t = Date.now();
    const { sessions } = await setup({ REFRESH_REUSE_GRACE_S: "10" }, () => t);
    const first = await sessions.login("alice", PASSWORD, "ip");
    const tabA = await sessions.refresh(first.refreshToken);
    t += 9_000; // the other tab, with the same cookie
    const tabB = await sessions.refresh(first.refreshToken);
    expect(tabB.family).toBe(first.family);
    expect(tabB.refreshToken).toBe(tabA.refreshToken); // the tabs converge on one successor
    expect(tabB.refreshToken).not.toBe(first.refreshToken);
    expect((await sessions.verifyAccess(tabA.accessToken, "bearer")).user).toBe("alice");
    expect((await sessions.verifyAccess(tabB.accessToken, "bearer")).user).toBe("alice");
    const next = await sessions.refresh(tabA.refreshToken); // the one successor rotates on
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
    expect(await sessions.redeemTicket(ticket)).toEqual({
      user: "alice",
      role: "trader",
      via: "ticket",
      family: a.family,
    });
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

describe("what open streams are told and asked", () => {
  test("logout and a reused refresh token tell the process at once, naming the session", async () => {
    const { sessions, told } = await setup({ REFRESH_REUSE_GRACE_S: "0" });
    const a = await sessions.login("alice", PASSWORD, "ip");
    await sessions.logout(a.family);
    const b = await sessions.login("alice", PASSWORD, "ip");
    await sessions.refresh(b.refreshToken);
    await failure(sessions.refresh(b.refreshToken));
    expect(told).toEqual([
      { kind: "session", family: a.family, reason: "logout" },
      { kind: "session", family: b.family, reason: "token_reused" },
    ]);
  });

  test("the store failing still tells the process (fail closed)", async () => {
    const { stores, sessions, told } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    stores.tokens.revokeFamily = () => Promise.reject(new Error("store down"));
    await expect(sessions.logout(a.family)).rejects.toThrow("store down");
    expect(told).toEqual([{ kind: "session", family: a.family, reason: "logout" }]);
  });

  test("check: the current role while the session lives; why not once it ended or the user is gone", async () => {
    const { stores, sessions } = await setup();
    const a = await sessions.login("alice", PASSWORD, "ip");
    const p = await sessions.verifyAccess(a.accessToken, "bearer");
    expect(await sessions.check(p)).toEqual({ ok: true, role: "trader" });
    await stores.users.update("alice", { role: "viewer" });
    expect(await sessions.check(p)).toEqual({ ok: true, role: "viewer" });
    await stores.users.delete("alice");
    expect(await sessions.check(p)).toEqual({ ok: false, reason: "user_deleted" });
    await sessions.logout(a.family);
    expect(await sessions.check(p)).toEqual({ ok: false, reason: "session_ended" });
  });
});
