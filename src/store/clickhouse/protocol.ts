// The messages between the main thread and the ClickHouse Worker, and the shapes both sides share.
import type { RingHandle } from "../../bus/ring.ts";
import type { PriceAlert } from "../../domain/alerts.ts";
import type { Fill, Order } from "../../domain/events.ts";

/**
 * Tables the recorder writes, in the two classes that decide what may go when the buffer is full:
 * samples that may be lost (market data, the account's equity: the stream delivered them, or the
 * next push says the same) and what was acknowledged to someone (never dropped for room).
 */
export const DROPPABLE_TABLES = ["trades", "tickers", "equity"] as const;
export const KEPT_TABLES = ["orders", "fills", "audit", "users", "strategies", "alerts"] as const;
export type DroppableTable = (typeof DROPPABLE_TABLES)[number];
export type KeptTable = (typeof KEPT_TABLES)[number];
export type Table = DroppableTable | KeptTable;
export const TABLES: readonly Table[] = [...KEPT_TABLES, ...DROPPABLE_TABLES];

/** One row as inserted (JSONEachRow: column name -> value). */
export type Row = Record<string, string | number | boolean | null>;

export interface WorkerOptions {
  /** A ClickHouse server; unset: chDB embedded at `chdbPath`. */
  url?: string;
  chdbPath: string;
  /** CHDB_LIB_DIR: where the compiled binary finds chDB's native library (chdb-native.ts). */
  chdbLibDir?: string;
  batchRows: number;
  flushMs: number;
  marketBufferRows: number;
  keptBufferRows: number;
  /** Nice value of the Worker thread (and the chDB threads it starts): the serving thread goes first. */
  nice: number;
}

/** An audit entry as the services report it (who did what, how it ended, how long it took). */
export interface AuditInput {
  ts: number;
  user: string;
  /** e.g. "order.place", "order.cancel", "command.kill_switch" */
  action: string;
  /** What it was about: an instrument, an order id, a command's argument. */
  target: string;
  /** The HTTP status the caller got (or would get). */
  status: number;
  /** "ok", or the error code of the answer (risk_rejected, exchange_unavailable, ...). */
  code: string;
  ms: number;
  detail?: Record<string, unknown>;
}

/** An audit entry with the id it was journaled under (the same id on every replay). */
export interface JournaledAudit extends AuditInput {
  id: string;
}

/** What settling audit records found: inserted now, or still in the recorder's buffer (written soon). */
export interface SettleResult {
  inserted: number;
  waiting: number;
}

/** Where reconciliation with the exchange starts: the newest recorded order or fill (null: none), and the orders recorded as open. */
export interface ReconcilePlan {
  since: number | null;
  open: Array<{ ordId: string; instId: string }>;
}

/** Orders (their current state) and fills as the exchange lists them: the `data` of bus `order` and `fill` events. */
export interface ExchangeRecords {
  orders: Order[];
  fills: Fill[];
}

/** Rows reconciliation inserted (the rest were recorded already), and items that did not map to a row. */
export interface ReconcileResult {
  orders: number;
  fills: number;
  malformed: number;
}

/** A user row: the auth store's record plus its version (ReplacingMergeTree) and a tombstone flag. */
export interface UserRow {
  name: string;
  role: string;
  hash: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
  version: number;
}

/** A strategy row (latest version wins); `config` and `figures` are JSON text. */
export interface StrategyRow {
  id: string;
  name: string;
  kind: string;
  owner: string;
  state: string;
  reason: string;
  /** {instruments, params, limits} */
  config: string;
  /** Position and PnL as of this version ("" when none). */
  figures: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
  version: number;
}

/** A price alert row (latest version wins): the alert, with 0 for when and at what price while it waits. */
export type AlertRow = Omit<PriceAlert, "firedAt" | "firedPx"> & {
  firedAt: number;
  firedPx: number;
  deleted: boolean;
  version: number;
};

export type HistoryKind = "orders" | "fills" | "trades" | "candles" | "audit" | "equity";

export interface HistoryQuery {
  kind: HistoryKind;
  limit: number;
  from?: number;
  to?: number;
  /** Decoded cursor: continue strictly before (ts, id). */
  before?: { ts: number; id: string };
  instId?: string;
  /** orders: state; audit: action. */
  state?: string;
  action?: string;
  user?: string;
  ordId?: string;
  /** candles, equity: bucket size in seconds. */
  barSeconds?: number;
}

export interface HistoryPage {
  data: Record<string, unknown>[];
  /** Where the next page starts (ts, id of the last row), or null on the last page. */
  next: { ts: number; id: string } | null;
}

export interface RecorderStats {
  connected: boolean;
  ready: boolean;
  lastError: string | null;
  written: Partial<Record<Table, number>>;
  batches: Partial<Record<Table, number>>;
  retries: Partial<Record<Table, number>>;
  buffered: Partial<Record<Table, number>>;
  /** table -> reason -> rows */
  dropped: Partial<Record<Table, Record<string, number>>>;
  /** Events lost to ring overruns, and how many overruns. */
  overrunEvents: number;
  overruns: number;
  /** Bus events of a recorded type that did not map to a row. */
  malformed: number;
  cursor: number;
}

export type ToWorker =
  | { t: "init"; ring: RingHandle; opts: WorkerOptions }
  | { t: "query"; id: number; q: HistoryQuery }
  | { t: "audit"; row: AuditInput; rowId?: string }
  | { t: "settle-audit"; id: number; rows: JournaledAudit[] }
  | { t: "reconcile-plan"; id: number }
  | { t: "reconcile"; id: number; records: ExchangeRecords }
  | { t: "user"; id: number; row: UserRow }
  | { t: "users"; id: number }
  | { t: "strategy"; id: number; row: StrategyRow }
  | { t: "strategies"; id: number }
  | { t: "alert"; id: number; row: AlertRow }
  | { t: "alerts"; id: number }
  | { t: "flush"; id: number }
  | { t: "fault"; id: number; on: boolean }
  | { t: "stop"; id: number; graceMs: number };

export type FromWorker =
  | { t: "ready" }
  | { t: "unavailable"; error: string }
  | { t: "reply"; id: number; ok: true; value: unknown }
  | { t: "reply"; id: number; ok: false; error: string; unavailable: boolean }
  | { t: "stats"; stats: RecorderStats }
  | { t: "log"; level: "debug" | "info" | "warn" | "error"; msg: string; fields?: Record<string, unknown> };
