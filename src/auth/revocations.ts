// Tells the rest of this process, at once, that sessions ended here (logout, a reused refresh
// token, a user changed or deleted), so open streams end without waiting for their next check.
// In-process only: what another instance revokes is found by re-checking (Sessions.check).

/** Why a session ended, as stream clients are told (`event: revoked` / WebSocket close reason). */
export type RevokeReason =
  | "logout"
  | "token_reused"
  | "role_changed"
  | "password_changed"
  | "user_deleted"
  | "session_ended";

/** One session (refresh-token family), or every session of a user. */
export type Revocation =
  | { kind: "session"; family: string; reason: RevokeReason }
  | { kind: "user"; user: string; reason: RevokeReason };

export type RevocationListener = (r: Revocation) => void;

/**
 * @example
 * const revocations = new Revocations()
 * const off = revocations.on((r) => hub.revoke(r))
 * revocations.emit({ kind: "session", family, reason: "logout" })
 */
export class Revocations {
  private readonly listeners = new Set<RevocationListener>();

  constructor(private readonly log?: { error(msg: string, fields?: Record<string, unknown>): void }) {}

  /** Listens until the returned function is called. */
  on(fn: RevocationListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls every listener now; one that throws does not keep the others from hearing it. */
  emit(r: Revocation): void {
    for (const fn of this.listeners) {
      try {
        fn(r);
      } catch (err) {
        // a listener's failure is its own; the revocation itself already happened in the store
        this.log?.error("revocation listener failed", { err, kind: r.kind, reason: r.reason });
      }
    }
  }
}
