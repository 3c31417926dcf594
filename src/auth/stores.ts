// The storage contracts of auth: small async interfaces, so in-memory, Redis and ClickHouse
// versions can be swapped without touching the routes or the session logic.
import type { Role } from "./types.ts";

/** A user as stored. `hash` is an argon2id PHC string and never leaves the auth module. */
export interface UserRecord {
  name: string;
  role: Role;
  hash: string;
  createdAt: number;
  updatedAt: number;
}

/** Users by name (names are case-sensitive). */
export interface UserStore {
  get(name: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** Adds a user; false when the name is taken. */
  create(user: UserRecord): Promise<boolean>;
  /** Changes hash and/or role; undefined when there is no such user. */
  update(name: string, patch: { hash?: string; role?: Role }): Promise<UserRecord | undefined>;
  /** false when there was no such user. */
  delete(name: string): Promise<boolean>;
}

/** One refresh token, stored under the SHA-256 of its value (never the value itself). */
export interface RefreshRecord {
  family: string;
  user: string;
  /** Epoch ms after which the token is unknown. */
  expiresAt: number;
}

/**
 * Sessions as refresh-token families: every rotation adds a token to the family of the login
 * it came from, so one reuse (or a logout) can revoke everything that login produced.
 */
export interface TokenStore {
  /** Starts a family, or extends its life; it is remembered until `expiresAt` (epoch ms). */
  touchFamily(family: string, user: string, expiresAt: number): Promise<void>;
  /** "active", "revoked", or undefined when unknown or expired. */
  familyState(family: string): Promise<"active" | "revoked" | undefined>;
  revokeFamily(family: string): Promise<void>;
  /** Revokes every family of a user; returns how many were active. */
  revokeUser(user: string): Promise<number>;
  /**
   * Stores a refresh token. One that is already stored stays as it is, its use included: a
   * successor handed out again (see Sessions.refresh) must not become fresh again.
   */
  addRefresh(hash: string, rec: RefreshRecord): Promise<void>;
  /**
   * Marks a refresh token used, atomically: "fresh" for the one caller that used it first; for
   * every later one "recent" while the first use is at most `graceMs` old, "used" after that (a
   * reuse). The time of the first use is the store's, so every instance judges alike. Undefined
   * when unknown or expired.
   */
  useRefresh(hash: string, graceMs?: number): Promise<{ state: RefreshUse; rec: RefreshRecord } | undefined>;
}

export type RefreshUse = "fresh" | "recent" | "used";

/** The rule of useRefresh for every store: what a use is, given when the token was first used (null: never). */
export function refreshUse(firstUsedAt: number | null, now: number, graceMs: number): RefreshUse {
  if (firstUsedAt === null) return "fresh";
  return graceMs > 0 && now - firstUsedAt <= graceMs ? "recent" : "used";
}

/** What a stream ticket stands for. */
export interface TicketRecord {
  user: string;
  family?: string;
  expiresAt: number;
}

/** Single-use stream tickets, stored under the SHA-256 of their value. */
export interface TicketStore {
  put(hash: string, rec: TicketRecord): Promise<void>;
  /** Returns and deletes in one step, so a ticket works once even under concurrency. */
  take(hash: string): Promise<TicketRecord | undefined>;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (at least 1 when not allowed). */
  retryAfterS: number;
}

/** A window as it stands: its count (0 when there is none) and the seconds until it ends (0: none). */
export interface RateWindow {
  count: number;
  retryAfterS: number;
}

/** Fixed-window counters (Redis: INCR + PEXPIRE). */
export interface RateLimiter {
  /** Counts one attempt under `key`; not allowed once the count exceeds `limit` in the window. */
  hit(key: string, limit: number, windowS: number): Promise<RateDecision>;
  /** Takes one attempt back (a successful login does not use up the allowance). */
  refund(key: string): Promise<void>;
  /** The window of `key` without counting anything. */
  peek(key: string): Promise<RateWindow>;
  /** Ends the window of `key` at once (an admin clearing a lock). */
  reset(key: string): Promise<void>;
  /** Sets `key` to a count of 1 for `ttlS` from now: a fact remembered for a while (an address a user signed in from). */
  mark(key: string, ttlS: number): Promise<void>;
}

export interface AuthStores {
  users: UserStore;
  tokens: TokenStore;
  tickets: TicketStore;
  limiter: RateLimiter;
}
