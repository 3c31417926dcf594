// The main thread's handle on history: spawns the ClickHouse Worker on the bus ring, forwards
// queries, audit rows and user writes to it by message, and keeps its figures for /metrics.
// No ClickHouse code runs on this thread.
import { join } from "node:path";
import type { RingHandle } from "../../bus/ring.ts";
import type { Logger } from "../../log.ts";
import type { Registry } from "../../ops/metrics.ts";
import { RecorderMetrics } from "./metrics.ts";
import type {
  AlertRow,
  AuditInput,
  ExchangeRecords,
  FromWorker,
  HistoryPage,
  HistoryQuery,
  JournaledAudit,
  ReconcilePlan,
  ReconcileResult,
  RecorderStats,
  SettleResult,
  StrategyRow,
  ToWorker,
  UserRow,
  WorkerOptions,
} from "./protocol.ts";

export type {
  AlertRow,
  AuditInput,
  ExchangeRecords,
  HistoryPage,
  HistoryQuery,
  JournaledAudit,
  ReconcilePlan,
  ReconcileResult,
  SettleResult,
  StrategyRow,
  UserRow,
} from "./protocol.ts";

/** History cannot answer: ClickHouse is off, missing, unreachable or still starting. */
export class HistoryUnavailable extends Error {
  override name = "HistoryUnavailable";
}

export interface HistoryStatus {
  mode: "url" | "chdb" | "off";
  ready: boolean;
  error: string | null;
}

export interface History {
  status(): HistoryStatus;
  /** Rejects with HistoryUnavailable when ClickHouse cannot answer. */
  query(q: HistoryQuery): Promise<HistoryPage>;
  /** Hands an audit entry to the recorder (never waits for ClickHouse); `id`: the row's id (random when absent). */
  audit(a: AuditInput, id?: string): void;
  /** Writes the audit records ClickHouse lacks (journal replay); `waiting`: how many are still in the recorder's buffer. */
  settleAudit(rows: JournaledAudit[]): Promise<SettleResult>;
  /** Where reconciliation with the exchange starts (see ReconcilePlan). */
  reconcilePlan(): Promise<ReconcilePlan>;
  /** Writes the exchange's order states and fills that are not recorded yet. */
  reconcile(records: ExchangeRecords): Promise<ReconcileResult>;
  loadUsers(): Promise<UserRow[]>;
  /** Buffers a user row and tries to write it at once; `written` says whether it is in ClickHouse. */
  putUser(u: UserRow): Promise<{ written: boolean }>;
  loadStrategies(): Promise<StrategyRow[]>;
  /** Buffers a strategy row and tries to write it at once, like putUser. */
  putStrategy(s: StrategyRow): Promise<{ written: boolean }>;
  loadAlerts(): Promise<AlertRow[]>;
  /** Buffers an alert row and tries to write it at once, like putUser. */
  putAlert(a: AlertRow): Promise<{ written: boolean }>;
  /** Records everything published so far and writes the buffer now (tests, shutdown). */
  flush(): Promise<{ empty: boolean; buffered: number }>;
  /** Test hook: while on, every insert fails as if ClickHouse were down; resolves once the Worker applies it. */
  fault(on: boolean): Promise<void>;
  /** The latest figures the Worker reported. */
  stats(): RecorderStats | undefined;
  stop(): Promise<void>;
}

export interface HistoryOptions {
  ring: RingHandle;
  log: Logger;
  registry: Registry;
  enabled: boolean;
  url?: string;
  dataDir: string;
  /** Where the compiled binary finds chDB's native library; unset: beside the binary. */
  chdbLibDir?: string;
  batchRows: number;
  flushMs: number;
  marketBufferRows: number;
  keptBufferRows: number;
  /** Nice value for the Worker thread (0-19). */
  nice?: number;
  /** How long start waits for ClickHouse to be ready before going on without it. */
  startWaitMs?: number;
  /** How long stop waits for the last rows to be written. */
  stopGraceMs?: number;
}

// Inside a `bun build --compile` binary, modules live under /$bunfs/root/ (see exchange/ingest.ts).
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./store/clickhouse/worker.ts"
  : new URL("./worker.ts", import.meta.url).href;

/** libchdb binds one data directory per process: the first history to open chDB owns it. */
let chdbOwner: string | undefined;

/**
 * @example
 *   const history = await startHistory({ ring, log, registry, enabled: true, dataDir: "./data", ... });
 *   const page = await history.query({ kind: "trades", instId: "BTC-USDT", limit: 100 });
 */
export async function startHistory(o: HistoryOptions): Promise<History> {
  const log = o.log.child({ component: "clickhouse" });
  const metrics = new RecorderMetrics(o.registry);
  if (!o.enabled) return offline("off", "history is disabled (CLICKHOUSE_ENABLED=false)", metrics);
  const chdbPath = join(o.dataDir, "clickhouse");
  if (!o.url && chdbOwner !== undefined) {
    const msg = `chDB is already open in this process at ${chdbOwner} (one embedded chDB per process); set CLICKHOUSE_URL`;
    log.warn("history unavailable", { error: msg });
    return offline("chdb", msg, metrics);
  }
  if (!o.url) chdbOwner = chdbPath;

  const opts: WorkerOptions = {
    ...(o.url ? { url: o.url } : {}),
    chdbPath,
    ...(o.chdbLibDir ? { chdbLibDir: o.chdbLibDir } : {}),
    batchRows: o.batchRows,
    flushMs: o.flushMs,
    marketBufferRows: o.marketBufferRows,
    keptBufferRows: o.keptBufferRows,
    nice: o.nice ?? 10,
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_URL);
  } catch (err) {
    if (!o.url) chdbOwner = undefined;
    const msg = `cannot start the ClickHouse worker: ${(err as Error).message}`;
    log.error("history unavailable", { error: msg });
    return offline(o.url ? "url" : "chdb", msg, metrics);
  }
  const send = (m: ToWorker) => worker.postMessage(m);
  let ready = false;
  let error: string | null = "starting";
  let latest: RecorderStats | undefined;
  let dead = false;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  let firstAnswer!: () => void;
  const started = new Promise<void>((r) => (firstAnswer = r));

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.t === "reply") {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value);
      else p.reject(m.unavailable ? new HistoryUnavailable(m.error) : new Error(`clickhouse: ${m.error}`));
    } else if (m.t === "stats") {
      latest = m.stats;
      metrics.update(m.stats);
    } else if (m.t === "ready") {
      ready = true;
      error = null;
      firstAnswer();
    } else if (m.t === "unavailable") {
      if (error !== m.error) log.warn("clickhouse unavailable; retrying", { error: m.error });
      error = m.error;
      firstAnswer();
    } else if (m.t === "log") log[m.level](m.msg, m.fields);
  };
  worker.onerror = (e) => {
    dead = true;
    ready = false;
    error = `the ClickHouse worker failed: ${e.message}`;
    log.error("clickhouse worker failed", { error: e.message });
    for (const [, p] of pending) p.reject(new HistoryUnavailable(error));
    pending.clear();
    firstAnswer();
  };

  const whenReady = <T>(make: (id: number) => ToWorker, timeoutMs?: number): Promise<T> =>
    ready ? call<T>(make, timeoutMs) : Promise.reject(new HistoryUnavailable(`ClickHouse is not available: ${error}`));
  const call = <T>(make: (id: number) => ToWorker, timeoutMs = 15_000): Promise<T> => {
    if (dead) return Promise.reject(new HistoryUnavailable(error ?? "the ClickHouse worker is gone"));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new HistoryUnavailable(`ClickHouse did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      send(make(id));
    });
  };

  send({ t: "init", ring: o.ring, opts });
  await Promise.race([started, Bun.sleep(o.startWaitMs ?? 30_000)]);
  if (!ready) log.warn("starting without ClickHouse; history answers 503 until it is ready", { error });

  let stopping: Promise<void> | undefined;
  return {
    status: () => ({ mode: o.url ? "url" : "chdb", ready, error }),
    query: (q) => whenReady<HistoryPage>((id) => ({ t: "query", id, q })),
    audit: (row, rowId) => {
      if (dead || stopping) return metrics.droppedHere("audit", "unavailable");
      send({ t: "audit", row, ...(rowId ? { rowId } : {}) });
    },
    settleAudit: (rows) => whenReady<SettleResult>((id) => ({ t: "settle-audit", id, rows }), 60_000),
    reconcilePlan: () => whenReady<ReconcilePlan>((id) => ({ t: "reconcile-plan", id })),
    reconcile: (records) => whenReady<ReconcileResult>((id) => ({ t: "reconcile", id, records }), 60_000),
    loadUsers: () => call<UserRow[]>((id) => ({ t: "users", id })),
    putUser: (row) => call<{ written: boolean }>((id) => ({ t: "user", id, row })),
    loadStrategies: () => call<StrategyRow[]>((id) => ({ t: "strategies", id })),
    putStrategy: (row) => call<{ written: boolean }>((id) => ({ t: "strategy", id, row })),
    loadAlerts: () => call<AlertRow[]>((id) => ({ t: "alerts", id })),
    putAlert: (row) => call<{ written: boolean }>((id) => ({ t: "alert", id, row })),
    flush: () => call<{ empty: boolean; buffered: number }>((id) => ({ t: "flush", id })),
    fault: (on) => call<void>((id) => ({ t: "fault", id, on })),
    stats: () => latest,
    stop: () =>
      (stopping ??= (async () => {
        const grace = o.stopGraceMs ?? 5_000;
        await call((id) => ({ t: "stop", id, graceMs: grace }), grace + 5_000).catch((e: Error) =>
          log.error("clickhouse stop", { error: e.message }),
        );
        worker.terminate();
        dead = true;
        ready = false;
        if (chdbOwner === chdbPath && !o.url) chdbOwner = undefined;
      })()),
  };
}

/** History without ClickHouse: every read is a HistoryUnavailable, every write is counted as dropped. */
function offline(mode: HistoryStatus["mode"], why: string, metrics: RecorderMetrics): History {
  const no = () => Promise.reject(new HistoryUnavailable(why));
  return {
    status: () => ({ mode, ready: false, error: why }),
    query: no,
    audit: () => metrics.droppedHere("audit", "unavailable"),
    settleAudit: no,
    reconcilePlan: no,
    reconcile: no,
    loadUsers: no,
    putUser: no,
    loadStrategies: no,
    putStrategy: no,
    loadAlerts: no,
    putAlert: no,
    flush: () => Promise.resolve({ empty: true, buffered: 0 }),
    fault: () => Promise.resolve(),
    stats: () => undefined,
    stop: () => Promise.resolve(),
  };
}
