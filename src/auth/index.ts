// Auth wired together: one factory that the app calls once, giving routes, middleware and stores.
//
// Exported API
//   createAuth({ config, log, ip?, stores?, print? }): Promise<Auth>
//     config  Config (JWT_SECRET, DATA_DIR, ADMIN_PASSWORD, *_TTL_S, LOGIN_*, CORS_ORIGINS)
//     log     Logger
//     ip      (req: Request) => string | null | undefined   client address for login limits;
//             default: the Bun server passed as Hono env (server.requestIP), else "unknown"
//     stores  Partial<AuthStores>  replace any in-memory store (Redis / ClickHouse later)
//     print   (password) => void   shows a generated admin password once (default: stdout line)
//   Auth = {
//     routes:       Hono  mount with app.route("/api/auth", auth.routes)
//     usersRoutes:  Hono  mount with app.route("/api/users", auth.usersRoutes)
//     requireAuth(opts?: { roles?: Role[]; allowTicket?: boolean }): MiddlewareHandler
//                   sets c.var.principal, or throws ApiError 401 / 403
//     authenticateRequest(req: Request, opts?: { allowTicket?: boolean }): Promise<Principal>
//                   the same check on a bare Request (SSE / WebSocket upgrade); throws ApiError
//     authorize(principal, roles?): void                     throws ApiError 403
//     stores: AuthStores { users, tokens, tickets, limiter }
//     sessions: Sessions   accounts: Accounts
//     revocations: Revocations  sessions ended here, told at once (open streams listen);
//                   sessions.check(principal) re-checks a stream's caller (ended elsewhere too)
//   }
// Credentials: "Authorization: Bearer <jwt>", the tw_access cookie, and ?ticket= only where
// allowTicket. Tokens in the URL are refused. Role changes, password changes and deletions
// revoke the user's sessions; the role is also re-read from the user store on every request.
import type { Context } from "hono";
import { clientAddress } from "../http/client-ip.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { authRoutes } from "../api/auth.ts";
import { usersRoutes } from "../api/users.ts";
import { Accounts, ensureAdmin, printAdminPassword } from "./accounts.ts";
import { accessTokens } from "./jwt.ts";
import { memoryStores } from "./memory.ts";
import { authenticator, authorize, requireAuthFactory, type AuthenticateRequest } from "./middleware.ts";
import { prepareDummyHash, successorTokens } from "./password.ts";
import { loadJwtSecret } from "./secret.ts";
import { Revocations } from "./revocations.ts";
import { Sessions } from "./sessions.ts";
import type { AuthStores } from "./stores.ts";

export type { AuthenticateOptions, AuthenticateRequest, RequireAuthOptions } from "./middleware.ts";
export type { AuthStores, RateLimiter, TicketStore, TokenStore, UserRecord, UserStore } from "./stores.ts";
export type { Principal, Role } from "./types.ts";
export type { Revocation, RevokeReason } from "./revocations.ts";
export type { SessionCheck } from "./sessions.ts";
export { ensureAdmin, printAdminPassword } from "./accounts.ts";
export { authorize } from "./middleware.ts";
export { memoryStores } from "./memory.ts";

export interface AuthOptions {
  config: Config;
  log: Logger;
  ip?: (req: Request) => string | null | undefined;
  stores?: Partial<AuthStores>;
  print?: (password: string) => void;
}

export interface Auth {
  routes: ReturnType<typeof authRoutes>;
  usersRoutes: ReturnType<typeof usersRoutes>;
  requireAuth: ReturnType<typeof requireAuthFactory>;
  authenticateRequest: AuthenticateRequest;
  authorize: typeof authorize;
  stores: AuthStores;
  sessions: Sessions;
  accounts: Accounts;
  revocations: Revocations;
}

/** The Bun server arrives as Hono's env when the app is served with `fetch: app.fetch`. */
function serverIp(c: Context): string | undefined {
  const server = c.env as { requestIP?: (req: Request) => { address: string } | null } | undefined;
  if (typeof server?.requestIP !== "function") return undefined;
  try {
    return server.requestIP(c.req.raw)?.address ?? undefined;
  } catch {
    return undefined; // a request this server did not receive (e.g. app.request in tests)
  }
}

/**
 * @example
 * const auth = await createAuth({ config, log, ip: (req) => server.requestIP(req)?.address })
 * app.route("/api/auth", auth.routes)
 * app.get("/api/orders", auth.requireAuth({ roles: ["trader", "admin"] }), listOrders)
 */
export async function createAuth(opts: AuthOptions): Promise<Auth> {
  const { config } = opts;
  const log = opts.log.child({ component: "auth" });
  const stores: AuthStores = { ...memoryStores(), ...opts.stores };
  const { key } = await loadJwtSecret(config, log);
  const revocations = new Revocations(log);
  const sessions = new Sessions(config, stores, accessTokens(key, config.ACCESS_TOKEN_TTL_S), log, successorTokens(key), revocations);
  const accounts = new Accounts(stores.users, stores.tokens, log, sessions.guard, revocations);
  await ensureAdmin(stores.users, config, opts.print ?? printAdminPassword, log);
  await prepareDummyHash();

  const authenticateRequest = authenticator(sessions, config.CORS_ORIGINS);
  const requireAuth = requireAuthFactory(authenticateRequest);
  const clientIp = (c: Context) =>
    clientAddress(opts.ip?.(c.req.raw) || serverIp(c) || "unknown", c.req.header("x-forwarded-for"), config.TRUST_PROXY_HOPS);
  return {
    routes: authRoutes({ config, sessions, authenticate: authenticateRequest, requireAuth, clientIp }),
    usersRoutes: usersRoutes({ accounts, requireAuth }),
    requireAuth,
    authenticateRequest,
    authorize,
    stores,
    sessions,
    accounts,
    revocations,
  };
}
