// A change to a strategy: who may make it, and the audit row it writes (awaited for a caller's
// change, handed over for the Supervisor's own).
import { StrategyForbidden } from "../strategies/errors.ts";
import { type AuditSink, audited } from "./audit.ts";
import type { Actor } from "./strategy-types.ts";

/** Owners and admins change a strategy; an external one, admins and the engine. Everyone signed in reads. */
export function mayChange(actor: Actor, owner: string, id: string): void {
  if (actor.role === "admin" || (actor.user === owner && (actor.role === "trader" || actor.role === "engine"))) return;
  throw new StrategyForbidden(`strategy ${id} belongs to ${owner}: only its owner or an admin may change it`);
}

/**
 * Runs a change and writes its audit row: who, what, the params, how it ended, how long it took.
 * Answered once the row is kept (services/audit.ts: otherwise `audit_unavailable`).
 */
export function auditedChange<T>(
  audit: AuditSink | undefined,
  actor: Actor,
  action: string,
  target: string,
  detail: Record<string, unknown>,
  f: () => Promise<T>,
  ok: (r: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  const status = action === "strategy.create" ? 201 : action === "strategy.delete" ? 204 : 200;
  return audited(audit, { user: actor.user, action, target, detail }, f, (r) => ({ status, detail: ok(r) }));
}

/** A change no caller waits for (the Supervisor's): its row is handed over; one not kept is dropped. */
export function reportChange(
  audit: AuditSink | undefined,
  user: string,
  action: string,
  target: string,
  end: { status: number; code: string } | { error: unknown },
  detail: Record<string, unknown> = {},
): void {
  try {
    Promise.resolve(audit?.({ ts: Date.now(), user, action, target, ms: 0, detail, ...end })).catch(() => {});
  } catch {
    // auditing never breaks what it describes
  }
}
