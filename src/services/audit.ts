// The audit hook: services report who did what, how it ended and how long it took; whoever wires
// the sink (the ClickHouse recorder) stores it. Reporting never waits and never throws.

import { roundMs } from "../domain/time.ts";
import type { AuditInput } from "../store/clickhouse/protocol.ts";

/** The row the recorder stores: who did what, the status and code the caller got, how long it took. */
export type AuditRecord = AuditInput;

/**
 * What a service reports. A failure carries the error itself: services know no HTTP, so the
 * wiring (auditTo) turns it into the status and code the caller got.
 */
export type AuditEntry = Omit<AuditRecord, "status" | "code"> & ({ status: number; code: string } | { error: unknown });

export type AuditSink = (e: AuditEntry) => void;

/**
 * A sink that stores records, failures given the status and code `outcome` says they end with.
 * @example const sink = auditTo(history.audit, (err) => ({ status: 500, code: "internal" }))
 */
export function auditTo(
  store: (r: AuditRecord) => void,
  outcome: (err: unknown) => { status: number; code: string },
): AuditSink {
  return (e) => {
    if (!("error" in e)) return store(e);
    const { error, ...rest } = e;
    store({ ...rest, ...outcome(error) });
  };
}

/**
 * Runs `f` and reports its outcome to `sink` (when there is one); the result or error passes through.
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
  const report = (end: { status: number; code: string } | { error: unknown }, detail?: Record<string, unknown>) => {
    try {
      sink?.({
        ts,
        user: what.user,
        action: what.action,
        target: what.target,
        ms: roundMs(performance.now() - t0),
        detail: { ...what.detail, ...detail },
        ...end,
      });
    } catch {
      // auditing must never break the request it describes
    }
  };
  try {
    const r = await f();
    const o = ok(r);
    report({ status: o.status, code: o.code ?? "ok" }, o.detail);
    return r;
  } catch (err) {
    report({ error: err }, { message: (err as Error)?.message });
    throw err;
  }
}
