// Revoked means revoked for open streams too: a stream lives only as long as its caller's session
// and the role it was opened with. Ends in this process arrive at once (auth's Revocations);
// ends made on another instance sharing Redis are found by re-checking every connected session
// every `everyMs` (one check per session, not per stream or per event).
//
// The rule: when the session ends (logout, a reused refresh token, the user deleted, the
// password or the role changed, which revoke the user's sessions) or the user's role is not the
// one the stream was opened with, the stream ends: SSE `event: revoked` {reason} then close,
// WebSocket a `revoked` message then close 4401, a waiting poll 401. A stream is never narrowed
// in place: the client signs in again and opens a new one with what its role may read.
import type { Revocation, RevokeReason } from "../auth/revocations.ts";
import type { SessionCheck } from "../auth/sessions.ts";
import type { Principal, Role } from "../auth/types.ts";
import type { Logger } from "../log.ts";

/** Something holding streams of callers: the hub, the poller. */
export interface Revocable {
  principals(): Principal[];
  revoke(match: (p: Principal) => boolean, reason: string): number;
}

export interface AccessOptions {
  targets: Revocable[];
  /** Re-checks a caller against the session store and the users (throws when it cannot tell). */
  check: (p: Principal) => Promise<SessionCheck>;
  /** Where this process announces the sessions it ended. */
  revocations: { on(fn: (r: Revocation) => void): () => void };
  /** How often every connected session is re-checked. */
  everyMs: number;
  log: Logger;
  /** Checks in flight at once during a sweep. */
  concurrency?: number;
}

/** The session a stream belongs to: its refresh-token family, or the user when it has none. */
const sessionKey = (p: Principal): string => (p.family !== undefined ? `f:${p.family}` : `u:${p.user}`);

export class StreamAccess {
  private timer?: ReturnType<typeof setInterval>;
  private off?: () => void;
  private sweeping = false;
  private warnedAt = 0;

  constructor(private readonly opts: AccessOptions) {}

  start(): void {
    this.stop();
    this.off = this.opts.revocations.on((r) => this.revoked(r));
    this.timer = setInterval(() => void this.sweep(), this.opts.everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.off?.();
    this.off = undefined;
  }

  /** A session or a user's sessions ended in this process: end their streams now. */
  revoked(r: Revocation): number {
    const match = r.kind === "session" ? (p: Principal) => p.family === r.family : (p: Principal) => p.user === r.user;
    return this.end(match, r.reason);
  }

  /**
   * The caller's role as of now, re-checked (a WebSocket subscribe asks this). When the session
   * has ended or the role changed, every stream of that session ends and the answer is undefined.
   * Throws when the store cannot tell (Redis down and the session not seen here).
   */
  async current(p: Principal): Promise<Role | undefined> {
    const checked = await this.opts.check(p);
    this.apply(sessionKey(p), checked);
    return checked.ok && checked.role === p.role ? p.role : undefined;
  }

  /** Re-checks every connected session once; sessions that ended take their streams with them. */
  async sweep(): Promise<void> {
    if (this.sweeping) return; // the last one is still waiting for answers
    this.sweeping = true;
    try {
      const sessions = new Map<string, Principal>();
      for (const t of this.opts.targets) for (const p of t.principals()) sessions.set(sessionKey(p), p);
      const queue = [...sessions];
      let failed = 0;
      let error: unknown;
      const worker = async () => {
        for (let next = queue.pop(); next; next = queue.pop()) {
          const [key, p] = next;
          try {
            this.apply(key, await this.opts.check(p));
          } catch (err) {
            // The store cannot tell now (Redis down): keep the streams, ask again next sweep.
            failed++;
            error = err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(queue.length, this.opts.concurrency ?? 16) }, worker));
      if (failed > 0 && Date.now() - this.warnedAt > 60_000) {
        this.warnedAt = Date.now();
        this.opts.log.warn("stream sessions could not be re-checked; kept until they can", {
          sessions: failed,
          err: String(error),
        });
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** Ends the streams of session `key` that the check no longer allows; returns how many. */
  private apply(key: string, checked: SessionCheck): number {
    if (!checked.ok) return this.end((p) => sessionKey(p) === key, checked.reason);
    return this.end((p) => sessionKey(p) === key && p.role !== checked.role, "role_changed");
  }

  private end(match: (p: Principal) => boolean, reason: RevokeReason): number {
    let n = 0;
    for (const t of this.opts.targets) n += t.revoke(match, reason);
    if (n > 0) this.opts.log.info("streams ended: session revoked", { reason, streams: n });
    return n;
  }
}
