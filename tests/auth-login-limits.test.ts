// Login limits over real HTTP, as an attacker would meet them: wrong passwords spend the budget of
// one (user, address) pair and of one address, never the owner's sign-in from elsewhere; a guess
// spread over many addresses locks the user for addresses it never signed in from (visible to
// admins, who can clear it); and a flood of logins queues for a bounded number of argon2id
// verifications, beyond which it is answered 503 at once. Addresses come from X-Forwarded-For
// behind one trusted proxy (TRUST_PROXY_HOPS=1).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { authRoutes } from "../src/api/auth.ts";
import { usersRoutes } from "../src/api/users.ts";
import { type Auth, createAuth } from "../src/auth/index.ts";
import { type Config, testConfig } from "../src/config.ts";
import { errorHandler, notFoundHandler } from "../src/http/errors.ts";
import { createLogger } from "../src/log.ts";

const ADMIN_PASSWORD = "admin-password-for-limit-tests";
const ALICE_PASSWORD = "alice-password-1";
const log = createLogger("silent");
const dirs: string[] = [];
const servers: ReturnType<typeof Bun.serve>[] = [];
afterAll(() => {
  for (const s of servers) s.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Svc {
  url: string;
  auth: Auth;
}

async function start(overrides: Partial<Record<keyof Config, string>> = {}): Promise<Svc> {
  const dir = mkdtempSync(join(tmpdir(), "tw-limits-"));
  dirs.push(dir);
  const config = testConfig({
    ADMIN_PASSWORD,
    JWT_SECRET: "a-login-limits-test-secret-0123456789",
    DATA_DIR: dir,
    TRUST_PROXY_HOPS: "1",
    ...overrides,
  });
  const auth = await createAuth({ config, log, print: () => {} });
  const app = new Hono();
  app.route(
    "/api/auth",
    authRoutes({
      config,
      sessions: auth.sessions,
      authenticateRequest: auth.authenticateRequest,
      requireAuth: auth.requireAuth,
    }),
  );
  app.route("/api/users", usersRoutes({ accounts: auth.accounts, requireAuth: auth.requireAuth }));
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  servers.push(server);
  const svc = { url: `http://127.0.0.1:${server.port}`, auth };
  await auth.accounts.create({ name: "alice", password: ALICE_PASSWORD, role: "trader" });
  return svc;
}

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  body: any;
}

async function login(svc: Svc, from: string, username: string, password: string): Promise<Answer> {
  const r = await fetch(`${svc.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": from },
    body: JSON.stringify({ username, password }),
  });
  const body = (await r.json()) as any;
  return { status: r.status, code: body?.error?.code, retryAfter: r.headers.get("retry-after"), body };
}

async function admin(svc: Svc, method: string, path: string): Promise<{ status: number; body: any }> {
  const token = (await login(svc, "192.0.2.250", "admin", ADMIN_PASSWORD)).body.accessToken as string;
  const r = await fetch(`${svc.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

describe("failed-attempt budgets", () => {
  test("six wrong passwords for a user from one address do not lock the owner out from another address", async () => {
    const svc = await start(); // defaults: LOGIN_MAX_ATTEMPTS=5 per (user, address)
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await login(svc, "203.0.113.66", "alice", "wrong-password"));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(answers[5]!.retryAfter)).toBeGreaterThan(0);
    // The attacker's address has spent its budget for alice, even with the right password...
    expect((await login(svc, "203.0.113.66", "alice", ALICE_PASSWORD)).status).toBe(429);
    // ...but alice from her own address signs in.
    expect((await login(svc, "198.51.100.7", "alice", ALICE_PASSWORD)).status).toBe(200);
  });

  test("an address has a budget across names; other addresses are not affected", async () => {
    const svc = await start({ LOGIN_IP_MAX_ATTEMPTS: "4" });
    const names = ["u1", "u2", "u3", "u4", "u5"];
    const statuses = [];
    for (const n of names) statuses.push((await login(svc, "203.0.113.9", n, "wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await login(svc, "203.0.113.9", "alice", ALICE_PASSWORD)).status).toBe(429);
    expect((await login(svc, "203.0.113.10", "alice", ALICE_PASSWORD)).status).toBe(200);
  });

  test("IPv6 addresses share the budget of their /64 (one host has them all)", async () => {
    const svc = await start({ LOGIN_IP_MAX_ATTEMPTS: "3" });
    const from = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3", "2001:0db8:0001:0002::ffff"];
    const statuses = [];
    for (const [i, a] of from.entries()) statuses.push((await login(svc, a, `v${i}`, "wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await login(svc, "2001:db8:1:3::1", "alice", ALICE_PASSWORD)).status).toBe(200);
  });
});

describe("user-wide limit", () => {
  test("a guess spread over many addresses locks the user for new addresses only; an admin sees and clears the lock", async () => {
    const svc = await start({ LOGIN_USER_MAX_ATTEMPTS: "10" });
    expect((await login(svc, "198.51.100.7", "alice", ALICE_PASSWORD)).status).toBe(200); // her usual address
    const spread: Answer[] = [];
    for (let i = 1; i <= 12; i++) spread.push(await login(svc, `203.0.113.${i}`, "alice", "wrong-password"));
    expect(spread.slice(0, 10).every((a) => a.status === 401)).toBe(true);
    expect(spread.slice(10).map((a) => [a.status, a.code])).toEqual([
      [429, "login_locked"],
      [429, "login_locked"],
    ]);
    expect(Number(spread[10]!.retryAfter)).toBeGreaterThan(0);

    // The owner is not locked out where she signed in before; a new address is, until an admin clears it.
    expect((await login(svc, "198.51.100.7", "alice", ALICE_PASSWORD)).status).toBe(200);
    const fresh = await login(svc, "192.0.2.77", "alice", ALICE_PASSWORD);
    expect([fresh.status, fresh.code]).toEqual([429, "login_locked"]);

    const seen = await admin(svc, "GET", "/api/users/alice/login-lock");
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ name: "alice", locked: true, limit: 10 });
    expect(seen.body.failures).toBeGreaterThan(10);
    expect(seen.body.retryAfterS).toBeGreaterThan(0);
    expect((await admin(svc, "DELETE", "/api/users/alice/login-lock")).status).toBe(204);
    expect((await admin(svc, "GET", "/api/users/alice/login-lock")).body).toMatchObject({ locked: false, failures: 0 });
    expect((await login(svc, "192.0.2.77", "alice", ALICE_PASSWORD)).status).toBe(200);
    expect((await admin(svc, "GET", "/api/users/nobody/login-lock")).status).toBe(404);
  });
});

describe("argon2id flood", () => {
  test("300 logins for unknown users from 60 addresses: bounded verifications, the rest 503 at once; the owner signs in after", async () => {
    const svc = await start({ LOGIN_VERIFY_CONCURRENCY: "2", LOGIN_VERIFY_QUEUE: "8" });
    const all = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        login(svc, `198.18.${Math.floor(i / 5) % 60}.1`, `ghost${i}`, "guess-password"),
      ),
    );
    const busy = all.filter((a) => a.status === 503);
    expect(all.filter((a) => a.status !== 503 && a.status !== 401)).toEqual([]);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((a) => a.code === "login_busy" && a.retryAfter === "1")).toBe(true);
    const gate = svc.auth.sessions.verifications();
    expect(gate.peakRunning).toBeLessThanOrEqual(2);
    expect(gate.peakQueued).toBeLessThanOrEqual(8);
    expect(gate.rejected).toBe(busy.length);
    expect((await login(svc, "198.51.100.7", "alice", ALICE_PASSWORD)).status).toBe(200);
  });
});
