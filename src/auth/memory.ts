// In-memory versions of the auth stores: the embedded default and the test double.
// Single process only; expired entries are swept lazily on writes so memory stays bounded.
import {
  type AuthStores,
  type RateDecision,
  type RateLimiter,
  type RateWindow,
  type RefreshRecord,
  type RefreshUse,
  refreshUse,
  type TicketRecord,
  type TicketStore,
  type TokenStore,
  type UserRecord,
  type UserStore,
} from "./stores.ts";
import type { Role } from "./types.ts";

export type Clock = () => number;
const SWEEP_EVERY_MS = 30_000;

/** Runs `sweep` at most once per interval, from whichever write comes along. */
function sweeper(now: Clock, sweep: (t: number) => void): () => void {
  let last = now();
  return () => {
    const t = now();
    if (t - last < SWEEP_EVERY_MS) return;
    last = t;
    sweep(t);
  };
}

export class MemoryUserStore implements UserStore {
  private users = new Map<string, UserRecord>();

  async get(name: string): Promise<UserRecord | undefined> {
    const u = this.users.get(name);
    return u ? { ...u } : undefined;
  }
  async list(): Promise<UserRecord[]> {
    return [...this.users.values()].map((u) => ({ ...u }));
  }
  async create(user: UserRecord): Promise<boolean> {
    if (this.users.has(user.name)) return false;
    this.users.set(user.name, { ...user });
    return true;
  }
  async update(name: string, patch: { hash?: string; role?: Role }): Promise<UserRecord | undefined> {
    const u = this.users.get(name);
    if (!u) return undefined;
    if (patch.hash !== undefined) u.hash = patch.hash;
    if (patch.role !== undefined) u.role = patch.role;
    u.updatedAt = Date.now();
    return { ...u };
  }
  async delete(name: string): Promise<boolean> {
    return this.users.delete(name);
  }
}

interface Family {
  user: string;
  revoked: boolean;
  expiresAt: number;
}

export class MemoryTokenStore implements TokenStore {
  private families = new Map<string, Family>();
  private byUser = new Map<string, Set<string>>();
  /** `usedAt`: when it was first used (null: not yet). */
  private refresh = new Map<string, { rec: RefreshRecord; usedAt: number | null }>();
  private maybeSweep: () => void;

  constructor(private now: Clock = Date.now) {
    this.maybeSweep = sweeper(now, (t) => this.sweep(t));
  }

  async touchFamily(family: string, user: string, expiresAt: number): Promise<void> {
    this.maybeSweep();
    const f = this.families.get(family);
    if (f) {
      f.expiresAt = Math.max(f.expiresAt, expiresAt);
      return;
    }
    this.families.set(family, { user, revoked: false, expiresAt });
    let set = this.byUser.get(user);
    if (!set) this.byUser.set(user, (set = new Set()));
    set.add(family);
  }

  async familyState(family: string): Promise<"active" | "revoked" | undefined> {
    const f = this.families.get(family);
    if (!f || f.expiresAt <= this.now()) return undefined;
    return f.revoked ? "revoked" : "active";
  }

  async revokeFamily(family: string): Promise<void> {
    const f = this.families.get(family);
    if (f) f.revoked = true;
  }

  async revokeUser(user: string): Promise<number> {
    let n = 0;
    for (const id of this.byUser.get(user) ?? []) {
      const f = this.families.get(id);
      if (f && !f.revoked) {
        f.revoked = true;
        n++;
      }
    }
    return n;
  }

  async addRefresh(hash: string, rec: RefreshRecord): Promise<void> {
    this.maybeSweep();
    const cur = this.refresh.get(hash);
    if (cur && cur.rec.expiresAt > this.now()) return;
    this.refresh.set(hash, { rec: { ...rec }, usedAt: null });
  }

  async useRefresh(hash: string, graceMs = 0): Promise<{ state: RefreshUse; rec: RefreshRecord } | undefined> {
    const r = this.refresh.get(hash);
    const now = this.now();
    if (!r || r.rec.expiresAt <= now) return undefined;
    const state = refreshUse(r.usedAt, now, graceMs);
    r.usedAt ??= now;
    return { state, rec: { ...r.rec } };
  }

  /** Entries held, for tests and metrics. */
  size(): { families: number; refresh: number } {
    return { families: this.families.size, refresh: this.refresh.size };
  }

  private sweep(t: number): void {
    for (const [hash, r] of this.refresh) if (r.rec.expiresAt <= t) this.refresh.delete(hash);
    for (const [id, f] of this.families) {
      if (f.expiresAt > t) continue;
      this.families.delete(id);
      const set = this.byUser.get(f.user);
      set?.delete(id);
      if (set && set.size === 0) this.byUser.delete(f.user);
    }
  }
}

export class MemoryTicketStore implements TicketStore {
  private tickets = new Map<string, TicketRecord>();
  private maybeSweep: () => void;

  constructor(private now: Clock = Date.now) {
    this.maybeSweep = sweeper(now, (t) => {
      for (const [k, v] of this.tickets) if (v.expiresAt <= t) this.tickets.delete(k);
    });
  }

  async put(hash: string, rec: TicketRecord): Promise<void> {
    this.maybeSweep();
    this.tickets.set(hash, { ...rec });
  }

  async take(hash: string): Promise<TicketRecord | undefined> {
    const rec = this.tickets.get(hash);
    if (!rec) return undefined;
    this.tickets.delete(hash);
    return rec.expiresAt > this.now() ? rec : undefined;
  }
}

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private maybeSweep: () => void;

  constructor(private now: Clock = Date.now) {
    this.maybeSweep = sweeper(now, (t) => {
      for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    });
  }

  async hit(key: string, limit: number, windowS: number): Promise<RateDecision> {
    this.maybeSweep();
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) this.windows.set(key, (w = { count: 0, resetAt: t + windowS * 1000 }));
    w.count++;
    const allowed = w.count <= limit;
    return { allowed, retryAfterS: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
  }

  async refund(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count--;
  }

  async peek(key: string): Promise<RateWindow> {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= t) return { count: 0, retryAfterS: 0 };
    return { count: w.count, retryAfterS: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async mark(key: string, ttlS: number): Promise<void> {
    this.maybeSweep();
    this.windows.set(key, { count: 1, resetAt: this.now() + ttlS * 1000 });
  }
}

/** A full set of in-memory stores sharing one clock. */
export function memoryStores(now: Clock = Date.now): AuthStores {
  return {
    users: new MemoryUserStore(),
    tokens: new MemoryTokenStore(now),
    tickets: new MemoryTicketStore(now),
    limiter: new MemoryRateLimiter(now),
  };
}
