// Auth over real HTTP: login, cookies, rotation, reuse, logout, tickets, token checks,
// rate limits, user management, input errors, first admin and the persisted JWT secret.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base64url, decodeJwt, generateKeyPair, type JWTPayload, jwtVerify, SignJWT, UnsecuredJWT } from "jose";
import { authRoutes } from "../src/api/auth.ts";
import { usersRoutes } from "../src/api/users.ts";
import { type Auth, createAuth } from "../src/auth/index.ts";
import { type Config, testConfig } from "../src/config.ts";
import { errorHandler, notFoundHandler } from "../src/http/errors.ts";
import { openApiDocument, routes } from "../src/http/openapi.ts";
import { createLogger } from "../src/log.ts";

const ADMIN_PASSWORD = "admin-password-for-auth-tests";
const JWT_SECRET = "an-auth-test-secret-of-at-least-32-chars";
const logLines: string[] = [];
const log = createLogger("debug", {}, (l) => logLines.push(l));
const dirs: string[] = [];
const servers: ReturnType<typeof Bun.serve>[] = [];
const secrets: string[] = [ADMIN_PASSWORD, JWT_SECRET]; // must never show up in a log line

interface Svc {
  url: string;
  auth: Auth;
  spec: () => Record<string, any>;
  config: Config;
  printed: string[];
}

async function start(
  overrides: Partial<Record<keyof Config, string>> = {},
  auth?: Partial<Parameters<typeof createAuth>[0]>,
): Promise<Svc> {
  const dir = overrides.DATA_DIR ?? mkdtempSync(join(tmpdir(), "tw-auth-"));
  dirs.push(dir);
  const logins = {
    LOGIN_MAX_ATTEMPTS: "1000",
    LOGIN_IP_MAX_ATTEMPTS: "100000",
    LOGIN_USER_MAX_ATTEMPTS: "100000",
    LOGIN_VERIFY_QUEUE: "100000",
  };
  const config = testConfig({ ADMIN_PASSWORD, JWT_SECRET, ...logins, ...overrides, DATA_DIR: dir });
  const printed: string[] = [];
  const a = await createAuth({ config, log, print: (p) => printed.push(p), ...auth });
  const app = routes();
  app.route(
    "/api/auth",
    authRoutes({
      config,
      sessions: a.sessions,
      authenticateRequest: a.authenticateRequest,
      requireAuth: a.requireAuth,
    }),
  );
  app.route("/api/users", usersRoutes({ accounts: a.accounts, requireAuth: a.requireAuth }));
  app.get("/api/probe/stream", a.requireAuth({ allowTicket: true }), (c) => c.json(c.var.principal));
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  servers.push(server);
  const spec = () => openApiDocument(app, { title: "t", version: "0" }) as Record<string, any>;
  return { url: `http://127.0.0.1:${server.port}`, auth: a, config, printed, spec };
}

interface Call {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}
interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(svc: Svc, method: string, path: string, o: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.raw;
  if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers["Content-Type"] ??= "application/json";
  const r = await fetch(svc.url + path, { method, headers, body });
  const text = await r.text();
  const answer = { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
  if (answer.status >= 500) throw new Error(`server error on ${method} ${path}: ${text}`);
  return answer;
}

const login = async (svc: Svc, name = "admin", password = ADMIN_PASSWORD) => {
  const r = await call(svc, "POST", "/api/auth/login", { body: { name, password } });
  if (r.status === 200) secrets.push(r.body.refreshToken, r.body.accessToken);
  return r;
};
const expectError = (r: Answer, status: number, code?: string) => {
  expect(r.status).toBe(status);
  expect(typeof r.body.error.message).toBe("string");
  if (code) expect(r.body.error.code).toBe(code);
};
const cookieValue = (h: Headers, name: string) =>
  h
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0]
    ?.slice(name.length + 1);

let svc: Svc;
beforeAll(async () => {
  svc = await start();
});
afterAll(() => {
  for (const s of servers) s.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("login, me, cookies", () => {
  test("login answers the token pair and sets httpOnly cookies", async () => {
    const r = await login(svc);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tokenType: "Bearer", expiresIn: 900, user: { name: "admin", role: "admin" } });
    expect(Object.keys(r.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType", "user"]);
    const claims = decodeJwt(r.body.accessToken);
    expect(claims).toMatchObject({ sub: "admin", role: "admin", iss: "tradewire" });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(typeof claims.fam).toBe("string");
    expect(typeof claims.jti).toBe("string");
    const set = r.headers.getSetCookie();
    expect(set.find((c) => c.startsWith("tw_access="))).toMatch(/Path=\/; HttpOnly; SameSite=Strict/);
    expect(set.find((c) => c.startsWith("tw_refresh="))).toMatch(/Path=\/api\/auth; HttpOnly; SameSite=Strict/);
    expect(cookieValue(r.headers, "tw_refresh")).toBe(r.body.refreshToken);
    expect(r.headers.get("cache-control")).toBe("no-store");
  });

  test("wrong password and unknown user get the same 401", async () => {
    const wrong = await login(svc, "admin", "not-the-password");
    const unknown = await login(svc, "nobody", "not-the-password");
    expectError(wrong, 401, "invalid_credentials");
    expect(unknown.body).toEqual(wrong.body);
  });

  test("a user is `name` everywhere; login still takes `username` (one of the two)", async () => {
    const old = await call(svc, "POST", "/api/auth/login", { body: { username: "admin", password: ADMIN_PASSWORD } });
    expect(old.status).toBe(200);
    secrets.push(old.body.refreshToken, old.body.accessToken);
    expect(old.body.user).toEqual({ name: "admin", role: "admin" });
    const both = await call(svc, "POST", "/api/auth/login", {
      body: { name: "admin", username: "admin", password: ADMIN_PASSWORD },
    });
    expectError(both, 400, "validation_failed");
    expect(both.body.error.details).toEqual([{ field: "username", message: "give name or username, not both" }]);
    const neither = await call(svc, "POST", "/api/auth/login", { body: { password: ADMIN_PASSWORD } });
    expectError(neither, 400, "validation_failed");
    expect(neither.body.error.details).toEqual([{ field: "name", message: "required" }]);
    // /api/users never took `username`: it names the field it does not know.
    const admin = old.body.accessToken;
    const create = await call(svc, "POST", "/api/users", {
      token: admin,
      body: { username: "una", password: "una-password", role: "viewer" },
    });
    expectError(create, 400, "validation_failed");
    expect(create.body.error.details.map((d: { field?: string }) => d.field).sort()).toEqual(["name", "username"]);
    expect(create.body.error.details).toContainEqual({ field: "username", message: "unknown field" });
  });

  test("me answers name and role, by bearer or by cookie", async () => {
    const r = await login(svc);
    expect((await call(svc, "GET", "/api/auth/me", { token: r.body.accessToken })).body).toEqual({
      name: "admin",
      role: "admin",
    });
    const cookie = `tw_access=${cookieValue(r.headers, "tw_access")}`;
    expect((await call(svc, "GET", "/api/auth/me", { headers: { Cookie: cookie } })).body).toEqual({
      name: "admin",
      role: "admin",
    });
    expectError(await call(svc, "GET", "/api/auth/me"), 401);
  });
});

describe("refresh and logout", () => {
  test("refresh rotates; reusing the old refresh token revokes the family", async () => {
    const svc = await start({ REFRESH_REUSE_GRACE_S: "0" });
    const first = (await login(svc)).body;
    const second = await call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(decodeJwt(second.body.accessToken).fam).toBe(decodeJwt(first.accessToken).fam);
    secrets.push(second.body.refreshToken);
    expect((await call(svc, "GET", "/api/auth/me", { token: second.body.accessToken })).status).toBe(200);

    const reuse = await call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expectError(reuse, 401, "token_reused");
    expectError(await call(svc, "GET", "/api/auth/me", { token: second.body.accessToken }), 401, "session_revoked");
    expectError(await call(svc, "GET", "/api/auth/me", { token: first.accessToken }), 401, "session_revoked");
    expectError(
      await call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: second.body.refreshToken } }),
      401,
    );
  });

  test("the old refresh token again within the grace period (another tab) gets the same successor, in the same session", async () => {
    const first = (await login(svc)).body;
    const tabs = await Promise.all(
      [1, 2].map(() => call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken } })),
    );
    expect(tabs.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = tabs.map((r) => r.body);
    secrets.push(a.refreshToken, b.refreshToken);
    expect(a.refreshToken).toBe(b.refreshToken); // one successor: the session does not fork
    expect(a.refreshToken).not.toBe(first.refreshToken);
    expect(cookieValue(tabs[1]!.headers, "tw_refresh")).toBe(a.refreshToken);
    expect(decodeJwt(b.accessToken).fam).toBe(decodeJwt(first.accessToken).fam);
    for (const t of [a, b]) {
      expect((await call(svc, "GET", "/api/auth/me", { token: t.accessToken })).status).toBe(200);
      const next = await call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: t.refreshToken } });
      expect(next.status).toBe(200);
      secrets.push(next.body.refreshToken);
    }
    expect(logLines.some((l) => l.includes("refresh token presented again within the grace period"))).toBe(true);
  });

  test("refresh takes the cookie when the body has none", async () => {
    const r = await login(svc);
    const cookie = `tw_refresh=${cookieValue(r.headers, "tw_refresh")}`;
    const next = await call(svc, "POST", "/api/auth/refresh", {
      headers: { Cookie: cookie, "Content-Type": "application/json" },
    });
    expect(next.status).toBe(200);
    expect(cookieValue(next.headers, "tw_refresh")).toBe(next.body.refreshToken);
    expectError(await call(svc, "POST", "/api/auth/refresh"), 401);
  });

  test("logout revokes the session and clears the cookies", async () => {
    const r = (await login(svc)).body;
    // A browser-style call: says JSON, sends no body.
    const out = await call(svc, "POST", "/api/auth/logout", {
      token: r.accessToken,
      headers: { "Content-Type": "application/json" },
    });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().filter((c) => /Max-Age=0/.test(c)).length).toBe(2);
    expectError(await call(svc, "GET", "/api/auth/me", { token: r.accessToken }), 401);
    expectError(await call(svc, "POST", "/api/auth/refresh", { body: { refreshToken: r.refreshToken } }), 401);
  });

  test("logout with only the refresh token also ends the session", async () => {
    const r = (await login(svc)).body;
    expect((await call(svc, "POST", "/api/auth/logout", { body: { refreshToken: r.refreshToken } })).status).toBe(204);
    expectError(await call(svc, "GET", "/api/auth/me", { token: r.accessToken }), 401);
  });
});

describe("stream tickets", () => {
  test("a ticket works once, only where tickets are allowed, and expires", async () => {
    const fast = await start({ STREAM_TICKET_TTL_S: "1" });
    const token = (await login(fast)).body.accessToken;
    const issue = async () => (await call(fast, "POST", "/api/auth/stream-ticket", { token })).body;
    const t1 = await issue();
    expect(t1.expiresIn).toBe(1);
    expectError(await call(fast, "GET", `/api/auth/me?ticket=${t1.ticket}`), 401, "ticket_not_allowed");
    const ok = await call(fast, "GET", `/api/probe/stream?ticket=${t1.ticket}`);
    expect(ok.body).toMatchObject({ user: "admin", role: "admin", via: "ticket" });
    expectError(await call(fast, "GET", `/api/probe/stream?ticket=${t1.ticket}`), 401, "invalid_ticket");
    const t2 = await issue();
    await Bun.sleep(1_100);
    expectError(await call(fast, "GET", `/api/probe/stream?ticket=${t2.ticket}`), 401, "invalid_ticket");
    expectError(await call(fast, "POST", "/api/auth/stream-ticket"), 401);
  });
});

describe("access token checks", () => {
  let fam: string;
  beforeAll(async () => {
    fam = decodeJwt((await login(svc)).body.accessToken).fam as string;
  });
  const key = new TextEncoder().encode(JWT_SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (): JWTPayload => ({
    sub: "admin",
    role: "admin",
    fam,
    jti: "t",
    iss: "tradewire",
    iat: now(),
    exp: now() + 60,
  });
  const me = (token: string) => call(svc, "GET", "/api/auth/me", { token });

  test("a hand-made token with every claim right passes (the controls below differ in one thing)", async () => {
    expect((await me(await new SignJWT(claims()).setProtectedHeader({ alg: "HS256" }).sign(key))).status).toBe(200);
  });

  test("alg none, HS512, RS256, a bad signature, expiry and a wrong issuer are refused", async () => {
    expectError(await me(new UnsecuredJWT(claims()).encode()), 401);
    expectError(await me(await new SignJWT(claims()).setProtectedHeader({ alg: "HS512" }).sign(key)), 401);
    const { privateKey } = await generateKeyPair("RS256");
    expectError(await me(await new SignJWT(claims()).setProtectedHeader({ alg: "RS256" }).sign(privateKey)), 401);
    const [h, p] = (await new SignJWT(claims()).setProtectedHeader({ alg: "HS256" }).sign(key)).split(".");
    expectError(await me(`${h}.${p}.${base64url.encode(new Uint8Array(32))}`), 401, "invalid_token");
    const expired = { ...claims(), iat: now() - 120, exp: now() - 60 };
    expectError(
      await me(await new SignJWT(expired).setProtectedHeader({ alg: "HS256" }).sign(key)),
      401,
      "token_expired",
    );
    const foreign = { ...claims(), iss: "elsewhere" };
    expectError(
      await me(await new SignJWT(foreign).setProtectedHeader({ alg: "HS256" }).sign(key)),
      401,
      "invalid_token",
    );
  });

  test("a token in the URL is refused, even beside a good header", async () => {
    const token = (await login(svc)).body.accessToken;
    for (const q of ["access_token", "token"]) {
      const r = await call(svc, "GET", `/api/probe/stream?${q}=${token}`, { token });
      expectError(r, 401, "token_in_url");
      expect(r.body.error.message).toContain("Authorization");
    }
  });
});

describe("login rate limits", () => {
  test("per (name, address) and per address, answering 429 with Retry-After", async () => {
    const limited = await start({ LOGIN_MAX_ATTEMPTS: "3", LOGIN_IP_MAX_ATTEMPTS: "5", LOGIN_WINDOW_S: "60" });
    for (let i = 0; i < 3; i++) expectError(await login(limited, "admin", "wrong-password"), 401);
    const r = await login(limited, "admin", ADMIN_PASSWORD);
    expectError(r, 429, "rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    // The refused attempt counted for the address too: one more failure, then it is over its limit.
    expectError(await login(limited, "someone-else", "wrong-password"), 401);
    expectError(await login(limited, "third-name", "wrong-password"), 429);
    // The address came from the Bun server (Hono env), not the "unknown" fallback.
    expect(logLines.some((l) => l.includes('"msg":"login rate limited"') && l.includes('"ip":"127.0.0.1"'))).toBe(true);
  });
});

describe("login limits behind a proxy", () => {
  const loginFrom = (svc: Svc, xff: string, username: string) =>
    call(svc, "POST", "/api/auth/login", {
      body: { username, password: "wrong-password" },
      headers: { "X-Forwarded-For": xff },
    });

  test("with TRUST_PROXY_HOPS=1 the limit is per forwarded address, and a spoofed entry is ignored", async () => {
    const svc = await start({ LOGIN_IP_MAX_ATTEMPTS: "2", LOGIN_WINDOW_S: "60", TRUST_PROXY_HOPS: "1" });
    expectError(await loginFrom(svc, "198.51.100.1", "u1"), 401);
    expectError(await loginFrom(svc, "6.6.6.6, 198.51.100.1", "u2"), 401); // same client, spoofed prefix
    expectError(await loginFrom(svc, "198.51.100.1", "u3"), 429);
    // Another client behind the same proxy is not locked out.
    expectError(await loginFrom(svc, "198.51.100.2", "u4"), 401);
  });

  test("without trusted proxies the header is ignored: one socket, one limit", async () => {
    const svc = await start({ LOGIN_IP_MAX_ATTEMPTS: "2", LOGIN_WINDOW_S: "60" });
    expectError(await loginFrom(svc, "198.51.100.1", "u1"), 401);
    expectError(await loginFrom(svc, "198.51.100.2", "u2"), 401);
    expectError(await loginFrom(svc, "198.51.100.3", "u3"), 429);
  });
});

describe("user management", () => {
  test("admin creates, lists, changes and deletes users; hashes never leave", async () => {
    const admin = (await login(svc)).body.accessToken;
    const created = await call(svc, "POST", "/api/users", {
      token: admin,
      body: { name: "vera", password: "vera-password", role: "viewer" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "vera", role: "viewer" });
    expectError(
      await call(svc, "POST", "/api/users", {
        token: admin,
        body: { name: "vera", password: "another-pass", role: "admin" },
      }),
      409,
    );
    const list = await call(svc, "GET", "/api/users", { token: admin });
    expect(list.body.users.map((u: { name: string }) => u.name)).toEqual(["admin", "vera"]);
    expect(JSON.stringify(list.body)).not.toMatch(/hash|argon2/);

    const vera = (await login(svc, "vera", "vera-password")).body.accessToken;
    expect((await call(svc, "GET", "/api/auth/me", { token: vera })).body).toEqual({ name: "vera", role: "viewer" });
    expectError(await call(svc, "GET", "/api/users", { token: vera }), 403, "forbidden");
    expectError(
      await call(svc, "POST", "/api/users", { token: vera, body: { name: "x", password: "xxxxxxxx", role: "admin" } }),
      403,
    );
    expectError(await call(svc, "GET", "/api/users"), 401);

    const patched = await call(svc, "PATCH", "/api/users/vera", { token: admin, body: { role: "trader" } });
    expect(patched.body).toMatchObject({ name: "vera", role: "trader" });
    expectError(await call(svc, "GET", "/api/auth/me", { token: vera }), 401, "session_revoked");
    const vera2 = (await login(svc, "vera", "vera-password")).body.accessToken;
    expect((await call(svc, "GET", "/api/auth/me", { token: vera2 })).body.role).toBe("trader");

    expect((await call(svc, "DELETE", "/api/users/vera", { token: admin })).status).toBe(204);
    expectError(await call(svc, "GET", "/api/auth/me", { token: vera2 }), 401);
    expectError(await login(svc, "vera", "vera-password"), 401);
    expectError(await call(svc, "DELETE", "/api/users/vera", { token: admin }), 404, "not_found");
    expectError(await call(svc, "PATCH", "/api/users/vera", { token: admin, body: { role: "admin" } }), 404);
  });

  test("the last admin can be neither deleted nor demoted", async () => {
    const admin = (await login(svc)).body.accessToken;
    expectError(await call(svc, "DELETE", "/api/users/admin", { token: admin }), 409, "conflict");
    expectError(await call(svc, "PATCH", "/api/users/admin", { token: admin, body: { role: "viewer" } }), 409);
    expect((await call(svc, "GET", "/api/auth/me", { token: admin })).status).toBe(200);
  });
});

describe("bad input is a 400 naming the field, never a 500", () => {
  test("malformed JSON, wrong types, unknown fields, bad names and passwords", async () => {
    const admin = (await login(svc)).body.accessToken;
    const bad = await call(svc, "POST", "/api/auth/login", { raw: '{"username": "admin", ' });
    expectError(bad, 400);
    expect(bad.body.error.message).toBe("body is not valid JSON");

    const field = async (path: string, body: unknown, name: string, method = "POST") => {
      const r = await call(svc, method, path, { token: admin, body });
      expectError(r, 400, "validation_failed");
      expect(r.body.error.details.map((d: { field?: string }) => d.field)).toContain(name);
    };
    await field("/api/auth/login", { username: 1, password: "x" }, "username");
    await field("/api/auth/login", { username: "admin", password: ADMIN_PASSWORD, remember: true }, "remember");
    await field("/api/auth/refresh", { refreshToken: 42 }, "refreshToken");
    await field("/api/users", { name: "bad name!", password: "long-enough", role: "viewer" }, "name");
    await field("/api/users", { name: "ok", password: "short", role: "viewer" }, "password");
    await field("/api/users", { name: "ok", password: "p".repeat(257), role: "viewer" }, "password");
    await field("/api/users", { name: "ok", password: "long-enough", role: "root" }, "role");
    await field("/api/users", { name: "x".repeat(65), password: "long-enough", role: "viewer" }, "name");
    await field("/api/users/admin", { role: "viewer", isAdmin: true }, "isAdmin", "PATCH");
    await field("/api/users/bad%20name", { role: "viewer" }, "param.name", "PATCH");

    for (const raw of ["null", "[]", '"text"', "{}"])
      expectError(await call(svc, "POST", "/api/auth/login", { raw }), 400);
    expectError(await call(svc, "PATCH", "/api/users/admin", { token: admin, body: {} }), 400);
    expectError(await call(svc, "GET", "/api/auth/me", { headers: { Authorization: "Bearer" } }), 401);
    expectError(await call(svc, "GET", "/api/auth/me", { headers: { Cookie: "tw_access=%%%; x" } }), 401);
  });
});

describe("first start", () => {
  test("a generated admin password is printed once; the JWT secret persists in DATA_DIR", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-auth-first-"));
    const first = await start({ DATA_DIR: dir, ADMIN_PASSWORD: "", JWT_SECRET: "" });
    expect(first.printed.length).toBe(1);
    const generated = first.printed[0]!;
    secrets.push(generated);
    const token = (await login(first, "admin", generated)).body.accessToken;
    const secret = readFileSync(join(dir, "jwt-secret"), "utf8").trim();
    secrets.push(secret);
    await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });

    // A second start on the same DATA_DIR and the same (durable) stores: nothing printed,
    // the secret file kept, and the first start's token still accepted.
    const second = await start({ DATA_DIR: dir, ADMIN_PASSWORD: "", JWT_SECRET: "" }, { stores: first.auth.stores });
    expect(second.printed).toEqual([]);
    expect(readFileSync(join(dir, "jwt-secret"), "utf8").trim()).toBe(secret);
    expect((await call(second, "GET", "/api/auth/me", { token })).body).toEqual({ name: "admin", role: "admin" });
  });
});

describe("docs", () => {
  test("every auth and user route is in the OpenAPI document, with its roles", () => {
    const paths = svc.spec().paths as Record<string, Record<string, { description?: string; "x-roles"?: string[] }>>;
    for (const p of ["login", "refresh", "logout", "me", "stream-ticket"])
      expect(Object.keys(paths[`/api/auth/${p}`] ?? {})).toHaveLength(1);
    expect(Object.keys(paths["/api/users"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(paths["/api/users/{name}"] ?? {}).sort()).toEqual(["delete", "patch"]);
    expect(paths["/api/users/{name}"]?.delete?.description).toBe("Roles: admin.");
    expect(paths["/api/auth/me"]?.get?.["x-roles"]).toEqual(["viewer", "trader", "admin", "engine"]);
  });

  test("login documents `name` and `username` (deprecated), users only `name`", () => {
    const paths = svc.spec().paths;
    const login = paths["/api/auth/login"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(login.properties).sort()).toEqual(["name", "password", "username"]);
    expect(login.properties.username.deprecated).toBe(true);
    const create = paths["/api/users"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(create.properties).sort()).toEqual(["name", "password", "role"]);
  });
});

describe("logs", () => {
  test("no password, hash, token or secret ever reached a log line", () => {
    expect(logLines.some((l) => l.includes('"msg":"login"'))).toBe(true);
    for (const line of logLines) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toContain("$argon2");
    }
  });
});
