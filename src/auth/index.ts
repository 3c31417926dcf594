// Auth wired together: one factory that the app calls once, giving the session logic, the
// middleware and the stores. Its HTTP routes are built in src/api/ (auth.ts, users.ts) from these.
//
// Exported API
//   createAuth({ config, log, stores?, print? }): Promise<Auth>
//     config  Config (JWT_SECRET, DATA_DIR, ADMIN_PASSWORD, *_TTL_S, LOGIN_*, CORS_ORIGINS)
//     log     Logger
//     stores  Partial<AuthStores>  replace any in-memory store (Redis / ClickHouse)
//     print   (password) => void   shows a generated admin password once (default: stdout line)
//   Auth = {
//     requireAuth(opts?: { roles?: Role[]; allowTicket?: boolean }): MiddlewareHandler
//                   sets c.var.principal, or throws Unauthorized / Forbidden (src/domain/errors.ts)
//     authenticateRequest(req: Request, opts?: { allowTicket?: boolean }): Promise<Principal>
//                   the same check on a bare Request (SSE / WebSocket upgrade)
//     authorize(principal, roles?): void                     throws Forbidden
//     stores: AuthStores { users, tokens, tickets, limiter }
//     sessions: Sessions   accounts: Accounts
//     revocations: Revocations  sessions ended here, told at once (open streams listen);
//                   sessions.check(principal) re-checks a stream's caller (ended elsewhere too)
//   }
// Credentials: "Authorization: Bearer <jwt>", the tw_access cookie, and ?ticket= only where
// allowTicket. Tokens in the URL are refused. Role changes, password changes and deletions
// revoke the user's sessions; the role is also re-read from the user store on every request.
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { Accounts, ensureAdmin, printAdminPassword } from "./accounts.ts";
import { accessTokens } from "./jwt.ts";
import { memoryStores } from "./memory.ts";
import { type AuthenticateRequest, authenticator, authorize, requireAuthFactory } from "./middleware.ts";
import { prepareDummyHash, successorTokens } from "./password.ts";
import { Revocations } from "./revocations.ts";
import { loadJwtSecret } from "./secret.ts";
import { Sessions } from "./sessions.ts";
import type { AuthStores } from "./stores.ts";

export { ensureAdmin, printAdminPassword } from "./accounts.ts";
export { memoryStores } from "./memory.ts";
export type { AuthenticateOptions, AuthenticateRequest, RequireAuthOptions } from "./middleware.ts";
export { authorize } from "./middleware.ts";
export type { Revocation, RevokeReason } from "./revocations.ts";
export type { SessionCheck } from "./sessions.ts";
export type { AuthStores, RateLimiter, TicketStore, TokenStore, UserRecord, UserStore } from "./stores.ts";
export type { Principal, Role } from "./types.ts";

export interface AuthOptions {
  config: Config;
  log: Logger;
  stores?: Partial<AuthStores>;
  print?: (password: string) => void;
}

export interface Auth {
  requireAuth: ReturnType<typeof requireAuthFactory>;
  authenticateRequest: AuthenticateRequest;
  authorize: typeof authorize;
  stores: AuthStores;
  sessions: Sessions;
  accounts: Accounts;
  revocations: Revocations;
}

/**
 * @example
 * const auth = await createAuth({ config, log })
 * app.get("/api/orders", auth.requireAuth({ roles: TRADERS }), listOrders)
 */
export async function createAuth(opts: AuthOptions): Promise<Auth> {
  const { config } = opts;
  const log = opts.log.child({ component: "auth" });
  const stores: AuthStores = { ...memoryStores(), ...opts.stores };
  const { key } = await loadJwtSecret(config, log);
  const revocations = new Revocations(log);
  const sessions = new Sessions(
    config,
    stores,
    accessTokens(key, config.ACCESS_TOKEN_TTL_S),
    log,
    successorTokens(key),
    revocations,
  );
  const accounts = new Accounts(stores.users, stores.tokens, log, sessions.guard, revocations);
  await ensureAdmin(stores.users, config, opts.print ?? printAdminPassword, log);
  await prepareDummyHash();

  const authenticateRequest = authenticator(sessions, config.CORS_ORIGINS);
  const requireAuth = requireAuthFactory(authenticateRequest);
  return {
    requireAuth,
    authenticateRequest,
    authorize,
    stores,
    sessions,
    accounts,
    revocations,
  };
}
