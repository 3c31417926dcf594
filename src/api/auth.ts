// HTTP routes of /api/auth: login, refresh, logout, me, stream-ticket. Thin: validate,
// call the session logic, set or clear cookies, shape the answer.
import { createRoute } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import {
  assertSameOrigin,
  clearSessionCookies,
  REFRESH_COOKIE,
  readCookie,
  setSessionCookies,
} from "../auth/cookies.ts";
import type { AuthenticateRequest } from "../auth/middleware.ts";
import { LoginBody, PublicUser, RefreshBody, StreamTicket, TokenPair } from "../auth/schemas.ts";
import type { Issued, Sessions } from "../auth/sessions.ts";
import { ROLES } from "../auth/types.ts";
import type { Config } from "../config.ts";
import { DomainError, Unauthorized } from "../domain/errors.ts";
import { clientAddress, socketAddress } from "../http/client-ip.ts";
import { access, BODY, errors, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";

export interface AuthRouteDeps {
  config: Pick<Config, "ACCESS_TOKEN_TTL_S" | "REFRESH_TOKEN_TTL_S" | "CORS_ORIGINS" | "TRUST_PROXY_HOPS">;
  sessions: Sessions;
  authenticateRequest: AuthenticateRequest;
  requireAuth: Guard;
}

const tags = ["auth"];

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

/** Refresh and logout take an optional body; without a Content-Type it counts as empty. */
const optionalBody = { required: false, content: { "application/json": { schema: RefreshBody } } };

const login = createRoute({
  method: "post",
  path: "/login",
  summary: "Log in: access token (JWT) and refresh token, also set as httpOnly cookies",
  description: "Give `name` (or `username`, kept for existing clients) and `password`.",
  tags,
  request: { body: jsonBody(LoginBody) },
  responses: {
    200: json(TokenPair, "logged in"),
    ...errors(...BODY, [401, "wrong name or password (`invalid_credentials`)"], 429, 503),
  },
});

const refresh = createRoute({
  method: "post",
  path: "/refresh",
  summary:
    "Rotate the refresh token (body or tw_refresh cookie); one reused after REFRESH_REUSE_GRACE_S revokes the session",
  tags,
  middleware: emptyBodyAsObject(),
  request: { body: optionalBody },
  responses: {
    200: json(TokenPair, "a new token pair"),
    ...errors(
      ...BODY,
      [401, "no, an invalid, expired or reused refresh token"],
      [403, "the tw_refresh cookie came from another origin"],
      503,
    ),
  },
});

const logout = createRoute({
  method: "post",
  path: "/logout",
  summary: "Revoke the caller's session (access token, or refresh token) and clear the cookies",
  tags,
  middleware: emptyBodyAsObject(),
  request: { body: optionalBody },
  responses: {
    204: { description: "logged out" },
    ...errors(...BODY, [401, "no session to end"], [403, "a cookie credential came from another origin"], 503),
  },
});

const allRoles = (guard: Guard, description?: string) => access(guard, ROLES, description ? { description } : {});

/** Routes to mount at /api/auth. */
export function authRoutes(deps: AuthRouteDeps) {
  const { sessions, config } = deps;

  const answer = (c: Context, issued: Issued) => {
    setSessionCookies(c, issued, { accessS: config.ACCESS_TOKEN_TTL_S, refreshS: config.REFRESH_TOKEN_TTL_S });
    c.header("Cache-Control", "no-store");
    const { family: _family, ...body } = issued;
    return c.json(body, 200);
  };

  /** The refresh token from the body, else from the cookie (which must come from our origin). */
  const refreshTokenOf = (c: Context, fromBody: string | undefined): string | undefined => {
    if (fromBody !== undefined) return fromBody;
    const cookie = readCookie(c.req.raw, REFRESH_COOKIE);
    if (cookie !== undefined) assertSameOrigin(c.req.raw, config.CORS_ORIGINS);
    return cookie;
  };

  /** The caller's network address, for login rate limits. */
  const clientIp = (c: Context) =>
    clientAddress(socketAddress(c) ?? "unknown", c.req.header("x-forwarded-for"), config.TRUST_PROXY_HOPS);

  const me = createRoute({
    method: "get",
    path: "/me",
    summary: "Who am I",
    tags,
    ...reads(deps.requireAuth, "self"),
    responses: { 200: json(PublicUser, "the caller"), ...errors(401, 503) },
  });

  const streamTicket = createRoute({
    method: "post",
    path: "/stream-ticket",
    summary: "A short-lived single-use ticket for ?ticket= on the stream endpoints",
    tags,
    ...allRoles(deps.requireAuth, "EventSource cannot send headers: pass the ticket as `?ticket=` instead."),
    responses: { 200: json(StreamTicket, "the ticket"), ...errors(401, 503) },
  });

  return routes()
    .openapi(login, async (c) => {
      const { name, password } = c.req.valid("json");
      return answer(c, await sessions.login(name, password, clientIp(c)));
    })
    .openapi(refresh, async (c) => {
      const token = refreshTokenOf(c, c.req.valid("json").refreshToken);
      if (token === undefined) throw new Unauthorized("no refresh token (body refreshToken or cookie)");
      return answer(c, await sessions.refresh(token));
    })
    .openapi(logout, async (c) => {
      let ended = false;
      let failure: unknown;
      try {
        const p = await deps.authenticateRequest(c.req.raw);
        if (p.family) await sessions.logout(p.family);
        ended = true;
      } catch (err) {
        failure = err;
      }
      if (!ended) {
        const token = refreshTokenOf(c, c.req.valid("json").refreshToken);
        ended = token !== undefined && (await sessions.logoutByRefresh(token));
      }
      // The credential check's own failure (401 expired, 403 origin, 503 store) says why.
      if (!ended) throw failure instanceof DomainError ? failure : new Unauthorized("no session to end");
      clearSessionCookies(c);
      return c.body(null, 204);
    })
    .openapi(me, (c) => {
      const p = c.var.principal;
      return c.json({ name: p.user, role: p.role }, 200);
    })
    .openapi(streamTicket, async (c) => {
      c.header("Cache-Control", "no-store");
      return c.json(await sessions.issueTicket(c.var.principal), 200);
    });
}
