// The audit hook: services report who did what, how it ended and how long it took; whoever wires
// the sink (the ClickHouse recorder) stores it. Reporting never waits and never throws.
import { ApiError } from "../http/errors.ts";
import type { AuditInput } from "../store/clickhouse/protocol.ts";
import { roundMs } from "../domain/time.ts";

/** Who did what, how it ended, how long it took: the row the recorder stores (one shape). */
export type AuditEntry = AuditInput;

export type AuditSink = (e: AuditEntry) => void;

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
  const report = (status: number, code: string, detail?: Record<string, unknown>) => {
    try {
      sink?.({ ts, user: what.user, action: what.action, target: what.target, status, code, ms: roundMs(performance.now() - t0), detail: { ...what.detail, ...detail } });
    } catch {
      // auditing must never break the request it describes
    }
  };
  try {
    const r = await f();
    const o = ok(r);
    report(o.status, o.code ?? "ok", o.detail);
    return r;
  } catch (err) {
    if (err instanceof ApiError) report(err.status, err.code, { message: err.message });
    else report(500, "internal", { message: (err as Error)?.message });
    throw err;
  }
}
