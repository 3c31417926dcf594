// Which credentials a request may present, and the middleware that turns them into
// `c.var.principal`: bearer header, then (where allowed) a stream ticket, then the access cookie.
import type { MiddlewareHandler } from "hono";
import { Forbidden, Unauthorized } from "../domain/errors.ts";
import { ACCESS_COOKIE, assertSameOrigin, readCookie } from "./cookies.ts";
import type { Sessions } from "./sessions.ts";
import type { Principal, Role } from "./types.ts";

export interface AuthenticateOptions {
  /** Accept `?ticket=` (stream endpoints only: EventSource cannot send headers). */
  allowTicket?: boolean;
}

export interface RequireAuthOptions extends AuthenticateOptions {
  /** Roles allowed; omitted means any authenticated caller. */
  roles?: readonly Role[];
}

/** Request to Principal, or Unauthorized / Forbidden. */
export type AuthenticateRequest = (req: Request, opts?: AuthenticateOptions) => Promise<Principal>;

// Query names under which someone might try to pass a token; URLs end up in logs and history.
const URL_TOKEN_PARAMS = new Set([
  "access_token",
  "token",
  "jwt",
  "bearer",
  "authorization",
  "auth",
  "id_token",
  "refresh_token",
]);
const BEARER = /^Bearer +(\S+) *$/i;

/** Throws Forbidden unless the principal holds one of `roles` (no roles: anyone). */
export function authorize(p: Principal, roles?: readonly Role[]): void {
  if (roles && !roles.includes(p.role)) throw new Forbidden(`requires role ${roles.join(" or ")}`);
}

/**
 * Builds `authenticateRequest`, which the stream code may call on a bare Request.
 * @example const p = await authenticateRequest(req, { allowTicket: true })
 */
export function authenticator(sessions: Sessions, allowedOrigins: readonly string[]): AuthenticateRequest {
  return async function authenticateRequest(req, opts = {}) {
    const url = new URL(req.url);
    for (const key of url.searchParams.keys()) {
      if (URL_TOKEN_PARAMS.has(key.toLowerCase())) {
        throw new Unauthorized(
          `access tokens are not accepted in the URL (${key}=); send "Authorization: Bearer <token>"` +
            (opts.allowTicket ? " or use ?ticket= from POST /api/auth/stream-ticket" : ""),
          { code: "token_in_url" },
        );
      }
    }
    const header = req.headers.get("authorization");
    if (header !== null) {
      const token = BEARER.exec(header)?.[1];
      if (!token) throw new Unauthorized('the Authorization header must be "Bearer <access token>"');
      return sessions.verifyAccess(token, "bearer");
    }
    const ticket = url.searchParams.get("ticket");
    if (ticket !== null) {
      if (!opts.allowTicket) {
        throw new Unauthorized("stream tickets are accepted only by the stream endpoints", {
          code: "ticket_not_allowed",
        });
      }
      return sessions.redeemTicket(ticket);
    }
    const cookie = readCookie(req, ACCESS_COOKIE);
    if (cookie !== undefined) {
      assertSameOrigin(req, allowedOrigins);
      return sessions.verifyAccess(cookie, "cookie");
    }
    throw new Unauthorized();
  };
}

/**
 * Middleware factory: authenticates, checks the role, sets `c.var.principal`.
 * @example app.get("/api/orders", requireAuth({ roles: TRADERS }), handler)
 */
export function requireAuthFactory(authenticate: AuthenticateRequest) {
  return function requireAuth(opts: RequireAuthOptions = {}): MiddlewareHandler {
    const { roles, allowTicket = false } = opts;
    return async function requireAuthMiddleware(c, next) {
      const principal = await authenticate(c.req.raw, { allowTicket });
      authorize(principal, roles);
      c.set("principal", principal);
      await next();
    };
  };
}
