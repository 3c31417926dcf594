// The audit hook: services report who did what, how it ended and how long it took; whoever wires
// the sink (the audit log: journal, then ClickHouse) stores it. The outcome is answered only once
// the sink has the entry for good: an acknowledged action always has its audit row.

import { StoreUnavailable } from "../domain/errors.ts";
import { roundMs } from "../domain/time.ts";
import type { AuditInput } from "../store/clickhouse/protocol.ts";

/** The row the recorder stores: who did what, the status and code the caller got, how long it took. */
export type AuditRecord = AuditInput;

/**
 * What a service reports. A failure carries the error itself: services know no HTTP, so the
 * wiring (auditTo) turns it into the status and code the caller got.
 */
export type AuditEntry = Omit<AuditRecord, "status" | "code"> & ({ status: number; code: string } | { error: unknown });

/** Takes an entry; a promise resolves once the entry is kept for good (rejects when it cannot be). */
export type AuditSink = (e: AuditEntry) => void | Promise<void>;

/**
 * A sink that stores records, failures given the status and code `outcome` says they end with;
 * it returns what `store` returns (the promise of the entry kept for good).
 * @example const sink = auditTo(auditLog.record, (err) => ({ status: 500, code: "internal" }))
 */
export function auditTo(
  store: (r: AuditRecord) => void | Promise<void>,
  outcome: (err: unknown) => { status: number; code: string },
): AuditSink {
  return (e) => {
    if (!("error" in e)) return store(e);
    const { error, ...rest } = e;
    return store({ ...rest, ...outcome(error) });
  };
}

/**
 * Runs `f`, reports its outcome to `sink` (when there is one) and waits until the sink has it; the
 * result or error passes through. A success whose entry cannot be kept becomes StoreUnavailable
 * (`audit_unavailable`) that still says what was done (the caller must not take an unrecorded
 * action as acknowledged, nor think it undone).
 * @example audited(sink, { user, action: "order.cancel", target: ordId }, () => gateway.cancel(ref))
 */
export async function audited<T>(
  sink: AuditSink | undefined,
  what: { user: string; action: string; target: string; detail?: Record<string, unknown> },
  f: () => Promise<T>,
  ok: (r: T) => { status: number; code?: string; detail?: Record<string, unknown> } = () => ({ status: 200 }),
): Promise<T> {
  const ts = Date.now();
  const t0 = performance.now();
  const report = async (
    end: { status: number; code: string } | { error: unknown },
    detail?: Record<string, unknown>,
  ) => {
    await sink?.({
      ts,
      user: what.user,
      action: what.action,
      target: what.target,
      ms: roundMs(performance.now() - t0),
      detail: { ...what.detail, ...detail },
      ...end,
    });
  };
  let r: T;
  try {
    r = await f();
  } catch (err) {
    // A failure is answered as it is, recorded or not: nothing was acknowledged.
    await report({ error: err }, { message: (err as Error)?.message }).catch(() => {});
    throw err;
  }
  const o = ok(r);
  try {
    await report({ status: o.status, code: o.code ?? "ok" }, o.detail);
  } catch (err) {
    throw new StoreUnavailable(
      `${what.action} was done (${JSON.stringify(o.detail ?? {})}) but its audit entry could not be kept: ${(err as Error).message}`,
      { code: "audit_unavailable", cause: err },
    );
  }
  return r;
}
