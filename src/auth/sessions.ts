// Session logic: login, refresh-token rotation with reuse detection, logout, stream tickets,
// and turning a presented credential into a Principal. No HTTP here: failures are domain errors.
import type { Config } from "../config.ts";
import { RateLimited, Unauthorized } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import type { AccessTokens } from "./jwt.ts";
import { randomToken, tokenHash, verifyPassword } from "./password.ts";
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

type SessionConfig = Pick<
  Config,
  "REFRESH_TOKEN_TTL_S" | "REFRESH_REUSE_GRACE_S" | "STREAM_TICKET_TTL_S" | "LOGIN_MAX_ATTEMPTS" | "LOGIN_WINDOW_S"
>;

const MAX_OPAQUE_CHARS = 512;
const badLogin = () => new Unauthorized("invalid name or password", { code: "invalid_credentials" });
const badRefresh = () => new Unauthorized("invalid or expired refresh token", { code: "invalid_token" });
const sessionEnded = () => new Unauthorized("session has been revoked or has ended", { code: "session_revoked" });

export class Sessions {
  constructor(
    private readonly config: SessionConfig,
    private readonly stores: AuthStores,
    private readonly access: AccessTokens,
    private readonly log: Logger,
  ) {}

  /**
   * Checks a password and opens a new session (refresh-token family). Every attempt counts
   * against the per-name and per-address limits first; a success gives its attempt back.
   */
  async login(name: string, password: string, ip: string): Promise<Issued> {
    const keys = [`login:user:${name}`, `login:ip:${ip}`];
    const { limiter } = this.stores;
    const max = this.config.LOGIN_MAX_ATTEMPTS;
    const decisions = await Promise.all(keys.map((k) => limiter.hit(k, max, this.config.LOGIN_WINDOW_S)));
    const blocked = decisions.filter((d) => !d.allowed);
    if (blocked.length > 0) {
      const retry = Math.max(...blocked.map((d) => d.retryAfterS));
      this.log.warn("login rate limited", { ip, retryAfterS: retry });
      throw new RateLimited("too many login attempts; retry later", { retryAfterS: retry });
    }
    const user = await this.stores.users.get(name);
    // Verify even for an unknown name (against a dummy hash) so timing does not tell who exists.
    const ok = await verifyPassword(password, user?.hash);
    if (!ok || !user) {
      // The name is logged only when it exists: a mistyped password often lands in that field.
      this.log.warn("login failed", user ? { user: user.name, ip } : { ip, knownUser: false });
      throw badLogin();
    }
    await Promise.all(keys.map((k) => limiter.refund(k)));
    const issued = await this.issue(user, randomToken(16));
    this.log.info("login", { user: user.name, ip, family: issued.family });
    return issued;
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated revokes its whole family
   * (someone else has a copy), except within REFRESH_REUSE_GRACE_S of its first use: then it is
   * the same client racing itself (two tabs sending one cookie, a retry after a lost answer) and
   * gets a new token of the same family. A stolen token is still caught when it is used later.
   */
  async refresh(refreshToken: string): Promise<Issued> {
    if (refreshToken.length > MAX_OPAQUE_CHARS) throw badRefresh();
    const used = await this.stores.tokens.useRefresh(tokenHash(refreshToken), this.config.REFRESH_REUSE_GRACE_S * 1000);
    if (!used) throw badRefresh();
    const { family, user: name } = used.rec;
    if (used.state === "used") {
      await this.stores.tokens.revokeFamily(family);
      this.log.warn("refresh token reused; session revoked", { user: name, family });
      throw new Unauthorized("refresh token was already used; the session has been revoked", { code: "token_reused" });
    }
    if (used.state === "recent") this.log.info("refresh token presented again within the grace period; rotated again", { user: name, family });
    if ((await this.stores.tokens.familyState(family)) !== "active") throw sessionEnded();
    const user = await this.stores.users.get(name);
    if (!user) {
      await this.stores.tokens.revokeFamily(family);
      throw sessionEnded();
    }
    return this.issue(user, family);
  }

  async logout(family: string): Promise<void> {
    await this.stores.tokens.revokeFamily(family);
    this.log.info("logout", { family });
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

  private async issue(user: UserRecord, family: string): Promise<Issued> {
    const now = Date.now();
    const refreshMs = this.config.REFRESH_TOKEN_TTL_S * 1000;
    // The family outlives its last access token too, so a revocation is remembered long enough.
    const keepMs = Math.max(refreshMs, this.access.ttlS * 1000);
    const refreshToken = randomToken(32);
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
