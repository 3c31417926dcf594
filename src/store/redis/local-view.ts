// What this instance last saw of each session family, to answer from while Redis cannot be asked;
// bounded in size, and never trusted beyond the Redis data it came from: every Redis answer
// names the generation of the auth data (a random id Redis holds while it holds the data), and a
// different one means Redis lost or replaced everything (restarted empty, flushed), so nothing
// seen before counts. After a reconnect nothing counts until a generation has been read again.

export type FamilyState = "active" | "revoked";

export class LocalView {
  private readonly map = new Map<string, { user: string; state: FamilyState; expiresAt: number }>();
  private generation: string | undefined;
  private trusted = true;

  constructor(private readonly max: number) {}

  /** The state last seen, while it may be trusted; undefined: ask Redis or refuse. */
  get(id: string, now: number): FamilyState | undefined {
    if (!this.trusted) return undefined;
    const f = this.map.get(id);
    return f && f.expiresAt > now ? f.state : undefined;
  }

  /**
   * Takes in the generation a Redis answer carried: another one than before empties the view
   * (the data it was built from is gone), and the view is trusted again.
   */
  observe(generation: string): void {
    if (generation !== this.generation) {
      this.map.clear();
      this.generation = generation;
    }
    this.trusted = true;
  }

  /** A new connection: Redis may be another (empty) one until its generation has been read. */
  distrust(): void {
    this.trusted = false;
  }

  /** Records a state Redis answered and returns the merged one: a revocation seen here is never undone. */
  set(id: string, user: string, state: FamilyState, expiresAt: number): FamilyState {
    const prev = this.map.get(id);
    this.map.delete(id);
    const s = prev?.state === "revoked" ? "revoked" : state;
    this.map.set(id, { user, state: s, expiresAt: Math.max(expiresAt, prev?.expiresAt ?? 0) });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return s;
  }

  /** Redis no longer knows the family (expired, or lost): nothing to answer from here either. */
  forget(id: string): void {
    this.map.delete(id);
  }

  revoke(id: string): void {
    const f = this.map.get(id);
    if (f) f.state = "revoked";
  }

  revokeUser(user: string): void {
    for (const f of this.map.values()) if (f.user === user) f.state = "revoked";
  }

  size(): number {
    return this.map.size;
  }
}
