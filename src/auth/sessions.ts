// Session logic: login, refresh-token rotation with reuse detection, logout, stream tickets,
// and turning a presented credential into a Principal. No HTTP here: failures are domain errors.
import { availableParallelism } from "node:os";
import type { Config } from "../config.ts";
import { Busy, Unauthorized } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import { Gate, type GateStats } from "./gate.ts";
import type { AccessTokens } from "./jwt.ts";
import { LoginGuard, type LoginLimits } from "./login-guard.ts";
import { randomToken, tokenHash, verifyPassword } from "./password.ts";
import { Revocations, type RevokeReason } from "./revocations.ts";
import type { AuthStores, UserRecord } from "./stores.ts";
import type { Principal, Role } from "./types.ts";

export interface Issued {
  accessToken: string;
  tokenType: "Bearer";
  /** Seconds the access token lives. */
  expiresIn: number;
  refreshToken: string;
  user: { name: string; role: Role };
  family: string;
}

/** An open stream's caller re-checked: still signed in with this role, or why not. */
export type SessionCheck = { ok: true; role: Role } | { ok: false; reason: RevokeReason };

type SessionConfig = LoginLimits &
  Pick<
    Config,
    | "REFRESH_TOKEN_TTL_S"
    | "REFRESH_REUSE_GRACE_S"
    | "STREAM_TICKET_TTL_S"
    | "LOGIN_VERIFY_CONCURRENCY"
    | "LOGIN_VERIFY_QUEUE"
  >;

const MAX_OPAQUE_CHARS = 512;
const badLogin = () => new Unauthorized("invalid name or password", { code: "invalid_credentials" });
const badRefresh = () => new Unauthorized("invalid or expired refresh token", { code: "invalid_token" });
const sessionEnded = () => new Unauthorized("session has been revoked or has ended", { code: "session_revoked" });
const busy = () => new Busy("too many logins are being checked; retry shortly", { code: "login_busy", retryAfterS: 1 });

export class Sessions {
  /** Failed-login budgets; admins read and clear the user-wide one through Accounts. */
  readonly guard: LoginGuard;
  /** Password verifications at once: argon2id costs ~20 ms of a core and 19 MiB each. */
  private readonly verifying: Gate;
  private busyLogged = 0;

  constructor(
    private readonly config: SessionConfig,
    private readonly stores: AuthStores,
    private readonly access: AccessTokens,
    private readonly log: Logger,
    /** The successor of a refresh token from its hash (password.ts successorTokens). */
    private readonly successor: (parentHash: string) => string,
    /** Told at once of every session ended here (open streams listen). */
    readonly revocations: Revocations = new Revocations(log),
  ) {
    this.guard = new LoginGuard(stores.limiter, config, log);
    const auto = Math.max(1, Math.floor(availableParallelism() / 2));
    this.verifying = new Gate(config.LOGIN_VERIFY_CONCURRENCY || auto, config.LOGIN_VERIFY_QUEUE);
  }

  /**
   * Checks a password and opens a new session (refresh-token family). Every attempt counts
   * against the login budgets first (LoginGuard) and a success gives it back; the check itself
   * waits for one of a bounded number of places (503 login_busy when they and the queue are full).
   */
  async login(name: string, password: string, ip: string): Promise<Issued> {
    const attempt = await this.guard.admit(name, ip);
    const entered = this.verifying.enter();
    if (!entered) {
      await this.guard.unchecked(attempt);
      this.logBusy();
      throw busy();
    }
    const leave = await entered;
    let user: UserRecord | undefined;
    let ok: boolean;
    try {
      user = await this.stores.users.get(name);
      // Verify even for an unknown name (against a dummy hash) so timing does not tell who exists.
      ok = await verifyPassword(password, user?.hash);
    } finally {
      leave();
    }
    if (!ok || !user) {
      // The name is logged only when it exists: a mistyped password often lands in that field.
      this.log.warn("login failed", user ? { user: user.name, ip } : { ip, knownUser: false });
      throw badLogin();
    }
    await this.guard.succeeded(attempt);
    const issued = await this.issue(user, randomToken(16));
    this.log.info("login", { user: user.name, ip, family: issued.family });
    return issued;
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated revokes its whole family
   * (someone else has a copy), except within REFRESH_REUSE_GRACE_S of its first use: then it is
   * the same client racing itself (two tabs sending one cookie, a retry after a lost answer) and
   * gets the same successor as the first use, so the session does not fork into several live
   * tokens and the tabs converge. A stolen token is still caught when it is used later.
   */
  async refresh(refreshToken: string): Promise<Issued> {
    if (refreshToken.length > MAX_OPAQUE_CHARS) throw badRefresh();
    const parent = tokenHash(refreshToken);
    const used = await this.stores.tokens.useRefresh(parent, this.config.REFRESH_REUSE_GRACE_S * 1000);
    if (!used) throw badRefresh();
    const { family, user: name } = used.rec;
    if (used.state === "used") {
      await this.revokeFamily(family, "token_reused");
      this.log.warn("refresh token reused; session revoked", { user: name, family });
      throw new Unauthorized("refresh token was already used; the session has been revoked", { code: "token_reused" });
    }
    if (used.state === "recent")
      this.log.info("refresh token presented again within the grace period; same successor", { user: name, family });
    if ((await this.stores.tokens.familyState(family)) !== "active") throw sessionEnded();
    const user = await this.stores.users.get(name);
    if (!user) {
      await this.revokeFamily(family, "user_deleted");
      throw sessionEnded();
    }
    return this.issue(user, family, this.successor(parent));
  }

  /** The password-verification gate as it stands (for tests and metrics). */
  verifications(): GateStats {
    return this.verifying.stats();
  }

  /** One line a second at most while logins are turned away. */
  private logBusy(): void {
    const now = Date.now();
    if (now - this.busyLogged < 1_000) return;
    this.busyLogged = now;
    this.log.warn("login turned away: password checks busy", { ...this.verifying.stats() });
  }

  async logout(family: string): Promise<void> {
    await this.revokeFamily(family, "logout");
    this.log.info("logout", { family });
  }

  /** Revokes in the store and tells this process's streams, even when the store fails (fail closed). */
  private async revokeFamily(family: string, reason: RevokeReason): Promise<void> {
    try {
      await this.stores.tokens.revokeFamily(family);
    } finally {
      this.revocations.emit({ kind: "session", family, reason });
    }
  }

  /** Logout for a caller whose access token is gone but who still holds the refresh token. */
  async logoutByRefresh(refreshToken: string): Promise<boolean> {
    if (refreshToken.length > MAX_OPAQUE_CHARS) return false;
    const used = await this.stores.tokens.useRefresh(tokenHash(refreshToken));
    if (!used) return false;
    await this.logout(used.rec.family);
    return true;
  }

  /** A single-use ticket for `?ticket=` on stream endpoints, tied to the caller's session. */
  async issueTicket(p: Principal): Promise<{ ticket: string; expiresIn: number }> {
    const ttl = this.config.STREAM_TICKET_TTL_S;
    const ticket = randomToken(32);
    await this.stores.tickets.put(tokenHash(ticket), {
      user: p.user,
      ...(p.family ? { family: p.family } : {}),
      expiresAt: Date.now() + ttl * 1000,
    });
    return { ticket, expiresIn: ttl };
  }

  /**
   * Access token to Principal: the JWT checks, then the session must still be active and the
   * user must still exist. The role comes from the user store, never from the token alone.
   */
  async verifyAccess(token: string, via: "bearer" | "cookie"): Promise<Principal> {
    const claims = await this.access.verify(token);
    if ((await this.stores.tokens.familyState(claims.fam)) !== "active") throw sessionEnded();
    return { ...(await this.currentUser(claims.sub)), via, family: claims.fam };
  }

  /**
   * Re-checks the caller of an open stream: its session (when it has one) is still active and
   * its user still exists; the role is the user's current one. Throws when the store cannot
   * answer (Redis down and the session not seen here): the caller then keeps what it has.
   */
  async check(p: Pick<Principal, "user" | "family">): Promise<SessionCheck> {
    if (p.family !== undefined && (await this.stores.tokens.familyState(p.family)) !== "active")
      return { ok: false, reason: "session_ended" };
    const user = await this.stores.users.get(p.user);
    return user ? { ok: true, role: user.role } : { ok: false, reason: "user_deleted" };
  }

  /** Redeems a stream ticket: it works once, before it expires, while its session lives. */
  async redeemTicket(ticket: string): Promise<Principal> {
    const invalid = () => new Unauthorized("invalid, used or expired stream ticket", { code: "invalid_ticket" });
    if (ticket.length === 0 || ticket.length > MAX_OPAQUE_CHARS) throw invalid();
    const rec = await this.stores.tickets.take(tokenHash(ticket));
    if (!rec) throw invalid();
    if (rec.family && (await this.stores.tokens.familyState(rec.family)) !== "active") throw sessionEnded();
    return { ...(await this.currentUser(rec.user)), via: "ticket", ...(rec.family ? { family: rec.family } : {}) };
  }

  private async currentUser(name: string): Promise<{ user: string; role: Role }> {
    const user = await this.stores.users.get(name);
    if (!user) throw new Unauthorized("user no longer exists");
    return { user: user.name, role: user.role };
  }

  /** A new access token, and the refresh token given (a successor) or a random one (a login). */
  private async issue(user: UserRecord, family: string, refreshToken = randomToken(32)): Promise<Issued> {
    const now = Date.now();
    const refreshMs = this.config.REFRESH_TOKEN_TTL_S * 1000;
    // The family outlives its last access token too, so a revocation is remembered long enough.
    const keepMs = Math.max(refreshMs, this.access.ttlS * 1000);
    const { tokens } = this.stores;
    await tokens.touchFamily(family, user.name, now + keepMs);
    await tokens.addRefresh(tokenHash(refreshToken), { family, user: user.name, expiresAt: now + refreshMs });
    const accessToken = await this.access.sign(user.name, user.role, family);
    return {
      accessToken,
      tokenType: "Bearer",
      expiresIn: this.access.ttlS,
      refreshToken,
      user: { name: user.name, role: user.role },
      family,
    };
  }
}
