// The audit hook: services report who did what, how it ended and how long it took; whoever wires
// the sink (the audit log: journal, then ClickHouse) stores it. The outcome is answered only once
// the sink has the entry for good: an acknowledged action always has its audit row.
import { ApiError } from "../http/errors.ts";
import type { AuditInput } from "../store/clickhouse/protocol.ts";
import { roundMs } from "../domain/time.ts";

/** Who did what, how it ended, how long it took: the row the recorder stores (one shape). */
export type AuditEntry = AuditInput;

/** Takes an entry; a promise resolves once the entry is kept for good (rejects when it cannot be). */
export type AuditSink = (e: AuditEntry) => void | Promise<void>;

/**
 * Runs `f`, reports its outcome to `sink` (when there is one) and waits until the sink has it; the
 * result or error passes through. A success whose entry cannot be kept becomes a 503 that still says
 * what was done (the caller must not take an unrecorded action as acknowledged, nor think it undone).
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
  const report = async (status: number, code: string, detail?: Record<string, unknown>) => {
    await sink?.({ ts, user: what.user, action: what.action, target: what.target, status, code, ms: roundMs(performance.now() - t0), detail: { ...what.detail, ...detail } });
  };
  let r: T;
  try {
    r = await f();
  } catch (err) {
    // A failure is answered as it is, recorded or not: nothing was acknowledged.
    if (err instanceof ApiError) await report(err.status, err.code, { message: err.message }).catch(() => {});
    else await report(500, "internal", { message: (err as Error)?.message }).catch(() => {});
    throw err;
  }
  const o = ok(r);
  try {
    await report(o.status, o.code ?? "ok", o.detail);
  } catch (err) {
    throw new ApiError(503, "audit_unavailable", `${what.action} was done (${JSON.stringify(o.detail ?? {})}) but its audit entry could not be kept: ${(err as Error).message}`);
  }
  return r;
}
