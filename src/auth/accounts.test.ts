// User management rules: no hashes out, sessions end on change, the last admin stays.
import { describe, expect, test } from "bun:test";
import { DomainError } from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { Accounts, ensureAdmin } from "./accounts.ts";
import { LoginGuard } from "./login-guard.ts";
import { MemoryRateLimiter, MemoryTokenStore, MemoryUserStore } from "./memory.ts";
import { verifyPassword } from "./password.ts";
import { type Revocation, Revocations } from "./revocations.ts";

const log = createLogger("silent");

function setup() {
  const users = new MemoryUserStore();
  const tokens = new MemoryTokenStore();
  const limits = { LOGIN_MAX_ATTEMPTS: 5, LOGIN_IP_MAX_ATTEMPTS: 20, LOGIN_USER_MAX_ATTEMPTS: 50, LOGIN_WINDOW_S: 60 };
  const guard = new LoginGuard(new MemoryRateLimiter(), limits, log);
  const revocations = new Revocations();
  const told: Revocation[] = [];
  revocations.on((r) => told.push(r));
  return { users, tokens, told, accounts: new Accounts(users, tokens, log, guard, revocations) };
}

/** "ok", or the class of the domain error it failed with. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof DomainError) return err.name;
    throw err;
  }
}

describe("Accounts", () => {
  test("create stores an argon2id hash and shows no hash; a taken name is 409", async () => {
    const { accounts, users } = setup();
    const view = await accounts.create({ name: "bob", password: "bob-password", role: "viewer" });
    expect(Object.keys(view).sort()).toEqual(["createdAt", "name", "role", "updatedAt"]);
    expect(await verifyPassword("bob-password", (await users.get("bob"))?.hash)).toBe(true);
    expect(await outcome(accounts.create({ name: "bob", password: "other-password", role: "admin" }))).toBe("Conflict");
    expect(JSON.stringify(await accounts.list())).not.toContain("argon2");
  });

  test("changing role or password ends the user's sessions", async () => {
    const { accounts, tokens } = setup();
    await accounts.create({ name: "bob", password: "bob-password", role: "viewer" });
    const later = Date.now() + 60_000;
    await tokens.touchFamily("f1", "bob", later);
    await accounts.update("bob", { role: "trader" });
    expect(await tokens.familyState("f1")).toBe("revoked");
    await tokens.touchFamily("f2", "bob", later);
    await accounts.update("bob", { password: "new-password" });
    expect(await tokens.familyState("f2")).toBe("revoked");
    await tokens.touchFamily("f3", "bob", later);
    await accounts.update("bob", { role: "trader" }); // no change: sessions stay
    expect(await tokens.familyState("f3")).toBe("active");
  });

  test("delete ends sessions; missing users are 404", async () => {
    const { accounts, tokens } = setup();
    await accounts.create({ name: "bob", password: "bob-password", role: "viewer" });
    await tokens.touchFamily("f1", "bob", Date.now() + 60_000);
    await accounts.delete("bob");
    expect(await tokens.familyState("f1")).toBe("revoked");
    expect(await outcome(accounts.delete("bob"))).toBe("NotFound");
    expect(await outcome(accounts.update("bob", { role: "admin" }))).toBe("NotFound");
  });

  test("a role change, a password change and a deletion tell the process at once, naming the user", async () => {
    const { accounts, told } = setup();
    await accounts.create({ name: "bob", password: "bob-password", role: "trader" });
    await accounts.update("bob", { role: "trader" }); // no change: nothing to tell
    await accounts.update("bob", { role: "viewer" });
    await accounts.update("bob", { password: "new-password" });
    await accounts.delete("bob");
    expect(told).toEqual([
      { kind: "user", user: "bob", reason: "role_changed" },
      { kind: "user", user: "bob", reason: "password_changed" },
      { kind: "user", user: "bob", reason: "user_deleted" },
    ]);
  });

  test("the last admin can be neither deleted nor demoted", async () => {
    const { accounts } = setup();
    await accounts.create({ name: "root", password: "root-password", role: "admin" });
    expect(await outcome(accounts.delete("root"))).toBe("Conflict");
    expect(await outcome(accounts.update("root", { role: "trader" }))).toBe("Conflict");
    expect(await outcome(accounts.update("root", { role: "admin" }))).toBe("ok");
    await accounts.create({ name: "root2", password: "root-password", role: "admin" });
    expect(await outcome(accounts.update("root", { role: "trader" }))).toBe("ok");
  });

  test("two admins deleted at once: one delete wins, one admin remains", async () => {
    const { accounts, users } = setup();
    await accounts.create({ name: "a1", password: "password-1", role: "admin" });
    await accounts.create({ name: "a2", password: "password-2", role: "admin" });
    const results = await Promise.all([outcome(accounts.delete("a1")), outcome(accounts.delete("a2"))]);
    expect(results.sort()).toEqual(["Conflict", "ok"]);
    expect((await users.list()).filter((u) => u.role === "admin").length).toBe(1);
  });
});

describe("ensureAdmin", () => {
  test("generates a password, prints it once, and does nothing on the next start", async () => {
    const users = new MemoryUserStore();
    const printed: string[] = [];
    expect(await ensureAdmin(users, {}, (p) => printed.push(p))).toEqual({ created: true, generated: true });
    expect(await ensureAdmin(users, {}, (p) => printed.push(p))).toEqual({ created: false, generated: false });
    expect(printed.length).toBe(1);
    const admin = await users.get("admin");
    expect(admin?.role).toBe("admin");
    expect(await verifyPassword(printed[0]!, admin?.hash)).toBe(true);
  });

  test("uses ADMIN_PASSWORD without printing it", async () => {
    const users = new MemoryUserStore();
    const printed: string[] = [];
    await ensureAdmin(users, { ADMIN_PASSWORD: "from-the-env" }, (p) => printed.push(p));
    expect(printed).toEqual([]);
    expect(await verifyPassword("from-the-env", (await users.get("admin"))?.hash)).toBe(true);
  });
});
