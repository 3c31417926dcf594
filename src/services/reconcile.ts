// Brings order history up to date with the exchange: order states and fills the recorder never
// wrote (the process was killed with them in its buffer or on the wire, or the private connection
// was down when they happened) are read from the exchange's own records and written once. Runs
// whenever history and the private connection are both up and this connection has not been
// reconciled yet: at start, and after every reconnect.
import { backoffDelay } from "../domain/backoff.ts";
import type { Ingest } from "../exchange/ingest.ts";
import type { Logger } from "../log.ts";
import type { ExchangeRecords, History, ReconcileResult } from "../store/clickhouse/index.ts";

/** Recorded events this close to the newest one are checked again (tables are written one after another). */
const MARGIN_MS = 5 * 60_000;
/** With nothing recorded yet: as far back as OKX's orders-history goes. */
const FIRST_LOOKBACK_MS = 7 * 86_400_000;

/** What reconciliation needs from the exchange. */
export interface ExchangeHistory {
  /** An id of the private connection while it is up (changes on every reconnect), else null. */
  session(): number | null;
  records(
    since: number,
    open: Array<{ ordId: string; instId: string }>,
  ): Promise<ExchangeRecords & { complete: boolean; malformed: number }>;
}

export function ingestHistory(ingest: Ingest): ExchangeHistory {
  return {
    session() {
      const c = ingest.status().connections.private;
      return c?.state === "ready" ? (c.connectedAt ?? 0) : null;
    },
    records: (since, open) => ingest.records(since, open),
  };
}

export interface Reconciler {
  /** Runs one reconciliation now (tests); resolves with what it wrote. */
  run(): Promise<ReconcileResult>;
  /** How many reconciliations finished. */
  done(): number;
  /** No new runs; resolves when the one running (if any) has ended, or after a second. */
  stop(): Promise<void>;
}

/**
 * @example const r = startReconciler({ history, exchange: ingestHistory(ingest), log });  ...  r.stop();
 */
export function startReconciler(d: {
  history: History;
  exchange: ExchangeHistory;
  log: Logger;
  tickMs?: number;
}): Reconciler {
  const log = d.log.child({ component: "reconcile" });
  let reconciled: number | null = null;
  let finished = 0;
  let running: Promise<ReconcileResult> | null = null;
  let retryAt = 0;
  let failures = 0;

  const once = async (session: number | null): Promise<ReconcileResult> => {
    const plan = await d.history.reconcilePlan();
    const since = plan.since === null ? Date.now() - FIRST_LOOKBACK_MS : plan.since - MARGIN_MS;
    const listed = await d.exchange.records(since, plan.open);
    const written = await d.history.reconcile({ orders: listed.orders, fills: listed.fills });
    reconciled = session;
    finished++;
    failures = 0;
    const fields = {
      since,
      listedOrders: listed.orders.length,
      listedFills: listed.fills.length,
      wroteOrders: written.orders,
      wroteFills: written.fills,
    };
    if (!listed.complete)
      log.warn("exchange history longer than one reconciliation reads: the oldest part was left out", fields);
    if (listed.malformed + written.malformed > 0)
      log.warn("exchange records that did not parse were skipped", { malformed: listed.malformed + written.malformed });
    if (written.orders + written.fills > 0)
      log.info("history reconciled with the exchange: wrote what was missing", fields);
    else log.debug("history reconciled with the exchange: nothing missing", fields);
    return written;
  };

  const run = (session = d.exchange.session()) =>
    (running ??= once(session).finally(() => {
      running = null;
    }));

  const timer = setInterval(() => {
    const session = d.exchange.session();
    if (
      running ||
      session === null ||
      session === reconciled ||
      !d.history.status().ready ||
      performance.now() < retryAt
    )
      return;
    run(session).catch((err: Error) => {
      failures++;
      retryAt = performance.now() + backoffDelay(failures, 1_000, 60_000);
      log.warn("history reconciliation failed; retrying", { error: err.message, failures });
    });
  }, d.tickMs ?? 500);
  timer.unref?.();

  return {
    run: () => run(),
    done: () => finished,
    async stop() {
      clearInterval(timer);
      // A run waiting on the exchange is not waited for long: ClickHouse lets its last call finish.
      if (running) await Promise.race([running.catch(() => {}), Bun.sleep(1_000)]);
    },
  };
}
