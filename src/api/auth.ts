// HTTP routes of /api/auth: login, refresh, logout, me, stream-ticket. Thin: validate,
// call the session logic, set or clear cookies, shape the answer.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import { ApiError } from "../http/errors.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";
import { assertSameOrigin, clearSessionCookies, readCookie, REFRESH_COOKIE, setSessionCookies } from "../auth/cookies.ts";
import type { AuthenticateRequest, requireAuthFactory } from "../auth/middleware.ts";
import { LoginBody, PublicUser, RefreshBody, StreamTicket, TokenPair } from "../auth/schemas.ts";
import type { Issued, Sessions } from "../auth/sessions.ts";
import { ROLES } from "../auth/types.ts";
import { RedisUnavailable } from "../store/redis/errors.ts";

export interface AuthRouteDeps {
  config: Pick<Config, "ACCESS_TOKEN_TTL_S" | "REFRESH_TOKEN_TTL_S" | "CORS_ORIGINS">;
  sessions: Sessions;
  authenticate: AuthenticateRequest;
  requireAuth: ReturnType<typeof requireAuthFactory>;
  /** The caller's network address, for login rate limits. */
  clientIp: (c: Context) => string;
}

const tags = ["auth"];
const ALL_ROLES = [...ROLES];

/**
 * Lets refresh and logout take an empty body even when the client says it is JSON
 * (`fetch(url, { method: "POST", headers: { "Content-Type": "application/json" } })`),
 * where JSON parsing would otherwise answer 400; their body fields are all optional.
 */
function emptyBodyAsObject(): MiddlewareHandler {
  return async function emptyBodyAsObjectMiddleware(c, next) {
    // HonoRequest.json() parses the cached text (covered by tests/auth.test.ts on upgrades).
    const cache = c.req.bodyCache as { text?: Promise<string> };
    if ((await c.req.text()).trim() === "") cache.text = Promise.resolve("{}");
    await next();
  };
}

/** Routes to mount at /api/auth. */
export function authRoutes(deps: AuthRouteDeps): Hono {
  const { sessions, config } = deps;
  const app = new Hono();

  const answer = (c: Context, issued: Issued) => {
    setSessionCookies(c, issued, { accessS: config.ACCESS_TOKEN_TTL_S, refreshS: config.REFRESH_TOKEN_TTL_S });
    c.header("Cache-Control", "no-store");
    const { family: _family, ...body } = issued;
    return c.json(body);
  };

  /** The refresh token from the body, else from the cookie (which must come from our origin). */
  const refreshTokenOf = (c: Context, fromBody: string | undefined): string | undefined => {
    if (fromBody !== undefined) return fromBody;
    const cookie = readCookie(c.req.raw, REFRESH_COOKIE);
    if (cookie !== undefined) assertSameOrigin(c.req.raw, config.CORS_ORIGINS);
    return cookie;
  };

  doc({
    method: "post",
    path: "/api/auth/login",
    summary: "Log in: access token (JWT) and refresh token, also set as httpOnly cookies",
    tags,
    body: LoginBody,
    responses: {
      200: { description: "logged in", schema: TokenPair },
      401: { description: "wrong username or password" },
      429: { description: "too many attempts (Retry-After)" },
    },
  });
  app.post("/login", validate("json", LoginBody), async (c) => {
    const { username, password } = c.req.valid("json");
    return answer(c, await sessions.login(username, password, deps.clientIp(c)));
  });

  doc({
    method: "post",
    path: "/api/auth/refresh",
    summary: "Rotate the refresh token (body or tw_refresh cookie); one reused after REFRESH_REUSE_GRACE_S revokes the session",
    tags,
    body: RefreshBody,
    responses: {
      200: { description: "a new token pair", schema: TokenPair },
      401: { description: "invalid, expired or reused refresh token" },
    },
  });
  app.post("/refresh", emptyBodyAsObject(), validate("json", RefreshBody), async (c) => {
    const token = refreshTokenOf(c, c.req.valid("json").refreshToken);
    if (token === undefined) throw new ApiError(401, "unauthorized", "no refresh token (body refreshToken or cookie)");
    return answer(c, await sessions.refresh(token));
  });

  doc({
    method: "post",
    path: "/api/auth/logout",
    summary: "Revoke the caller's session (access token, or refresh token) and clear the cookies",
    tags,
    body: RefreshBody,
    responses: { 204: { description: "logged out" }, 401: { description: "no session to end" } },
  });
  app.post("/logout", emptyBodyAsObject(), validate("json", RefreshBody), async (c) => {
    let ended = false;
    let failure: unknown;
    try {
      const p = await deps.authenticate(c.req.raw);
      if (p.family) await sessions.logout(p.family);
      ended = true;
    } catch (err) {
      failure = err;
    }
    if (!ended) {
      const token = refreshTokenOf(c, c.req.valid("json").refreshToken);
      ended = token !== undefined && (await sessions.logoutByRefresh(token));
    }
    const known = failure instanceof ApiError || failure instanceof RedisUnavailable; // 503 stays a 503
    if (!ended) throw known ? failure : new ApiError(401, "unauthorized", "no session to end");
    clearSessionCookies(c);
    return c.body(null, 204);
  });

  doc({
    method: "get",
    path: "/api/auth/me",
    summary: "Who am I",
    tags,
    roles: ALL_ROLES,
    responses: { 200: { description: "the caller", schema: PublicUser } },
  });
  app.get("/me", deps.requireAuth(), (c) => {
    const p = c.var.principal;
    return c.json({ name: p.user, role: p.role });
  });

  doc({
    method: "post",
    path: "/api/auth/stream-ticket",
    summary: "A short-lived single-use ticket for ?ticket= on the stream endpoints",
    tags,
    roles: ALL_ROLES,
    responses: { 200: { description: "the ticket", schema: StreamTicket } },
  });
  app.post("/stream-ticket", deps.requireAuth(), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await sessions.issueTicket(c.var.principal));
  });

  return app;
}
