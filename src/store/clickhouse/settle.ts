// Rows that reach ClickHouse from elsewhere than the bus, written once: audit entries replayed
// from the local journal, and orders and fills as the exchange lists them (reconciliation after
// a crash or a lost connection). What ClickHouse or the recorder's buffer already has is left out,
// and a live event that repeats what was just inserted is skipped. Worker side.
import type { ClickHouseClient } from "@clickhouse/client";
import type { RowBuffer } from "./buffer.ts";
import type {
  ExchangeRecords,
  JournaledAudit,
  ReconcilePlan,
  ReconcileResult,
  Row,
  SettleResult,
  Table,
} from "./protocol.ts";
import { auditRow, rowOf } from "./rows.ts";

/** How long a key inserted by reconciliation keeps a live event with the same key out. */
const REPEAT_MS = 10 * 60_000;
/** Ids per `IN` list. */
const CHUNK = 5_000;
/** Open orders as recorded: only those seen this recently are asked about again. */
const OPEN_LOOKBACK_MS = 30 * 86_400_000;
const MAX_OPEN = 500;

export interface SettleDeps {
  client(): ClickHouseClient;
  buffer: RowBuffer;
  /** True while the test hook makes every insert fail. */
  fault(): boolean;
}

/** "0.0010" and "0.001" are one amount (ClickHouse answers decimals without trailing zeros). */
const amount = (v: unknown) => {
  const s = String(v ?? "0");
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
};
const orderKey = (r: Row) => `${r.ord_id}|${r.state}|${amount(r.acc_fill_sz)}`;
const fillKey = (r: Row) => `${r.ord_id}|${r.trade_id}`;
const KEY: Partial<Record<Table, (r: Row) => string>> = { orders: orderKey, fills: fillKey };

export class Settler {
  private readonly recent = new Map<string, number>();
  /** One settle or reconcile at a time: two at once would both find a row missing and both write it. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: SettleDeps) {}

  /** Audit records from the journal: inserts those neither in ClickHouse nor waiting in the buffer. */
  audit(records: JournaledAudit[]): Promise<SettleResult> {
    return this.serial(() => this.auditNow(records));
  }

  /** The exchange's orders and fills: inserts each order state and each fill that is not recorded yet. */
  reconcile(listed: ExchangeRecords): Promise<ReconcileResult> {
    return this.serial(() => this.reconcileNow(listed));
  }

  /** Resolves when no settle or reconcile is running or waiting. */
  async idle(): Promise<void> {
    let q: Promise<unknown>;
    do {
      q = this.queue;
      await q;
    } while (q !== this.queue);
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => {});
    return run;
  }

  private async auditNow(records: JournaledAudit[]): Promise<SettleResult> {
    const buffered = new Set(this.d.buffer.rows("audit").map((r) => String(r.id)));
    const candidates = records.filter((r) => !buffered.has(r.id));
    const present = new Set<string>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const part = candidates.slice(i, i + CHUNK);
      const ts = part.map((r) => Math.floor(r.ts));
      const rows = await this.select<{ id: string }>(
        `SELECT id FROM audit WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')
          AND id IN {ids:Array(String)}`,
        { from: Math.min(...ts), to: Math.max(...ts), ids: part.map((r) => r.id) },
      );
      for (const r of rows) present.add(r.id);
    }
    const missing = candidates.filter((r) => !present.has(r.id)).map((r) => auditRow(r.id, r));
    await this.insert("audit", missing);
    return { inserted: missing.length, waiting: records.length - candidates.length };
  }

  /** Where reconciliation starts: the newest recorded order or fill, and the orders recorded as open. */
  async plan(): Promise<ReconcilePlan> {
    const [last] = await this.select<{ o: number; f: number }>(
      `SELECT (SELECT toUnixTimestamp64Milli(max(ts)) FROM orders) AS o, (SELECT toUnixTimestamp64Milli(max(ts)) FROM fills) AS f`,
    );
    const newest = Math.max(Number(last?.o ?? 0), Number(last?.f ?? 0));
    const since = newest > 0 ? newest : null;
    const open =
      since === null
        ? []
        : await this.select<{ ordId: string; instId: string }>(
            `SELECT ord_id AS ordId, any(inst_id) AS instId FROM orders WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
        GROUP BY ord_id HAVING argMax(state, ts) IN ('live', 'partially_filled') LIMIT {max:UInt32}`,
            { from: since - OPEN_LOOKBACK_MS, max: MAX_OPEN },
          );
    return { since, open };
  }

  private async reconcileNow(listed: ExchangeRecords): Promise<ReconcileResult> {
    this.prune();
    const orders = mapped("order", listed.orders, (o) => `rc-${o.ordId}-${o.state}-${amount(o.accFillSz)}`);
    const fills = mapped("fill", listed.fills, (f) => `rc-${f.ordId}-${f.tradeId}`);
    // From now on a live event with one of these keys waits for the answer below instead of racing it.
    const keys = [...orders.rows.map(orderKey), ...fills.rows.map(fillKey)];
    const until = Date.now() + REPEAT_MS;
    for (const k of keys) this.recent.set(k, until);
    try {
      const have = new Set<string>();
      const ordIds = [...new Set([...orders.rows, ...fills.rows].map((r) => String(r.ord_id)))];
      for (let i = 0; i < ordIds.length; i += CHUNK) {
        const ids = ordIds.slice(i, i + CHUNK);
        for (const r of await this.select<Row>(
          "SELECT ord_id, state, acc_fill_sz FROM orders WHERE ord_id IN {ids:Array(String)}",
          { ids },
        ))
          have.add(orderKey(r));
        for (const r of await this.select<Row>(
          "SELECT ord_id, trade_id FROM fills WHERE ord_id IN {ids:Array(String)}",
          { ids },
        ))
          have.add(fillKey(r));
      }
      for (const r of this.d.buffer.rows("orders")) have.add(orderKey(r));
      for (const r of this.d.buffer.rows("fills")) have.add(fillKey(r));
      const newOrders = unique(
        orders.rows.filter((r) => !have.has(orderKey(r))),
        orderKey,
      );
      const newFills = unique(
        fills.rows.filter((r) => !have.has(fillKey(r))),
        fillKey,
      );
      await this.insert("orders", newOrders);
      await this.insert("fills", newFills);
      return { orders: newOrders.length, fills: newFills.length, malformed: orders.malformed + fills.malformed };
    } catch (err) {
      for (const k of keys) this.recent.delete(k);
      throw err;
    }
  }

  /** True when a live row repeats an order state or fill reconciliation inserted lately (skip it). */
  repeats(table: Table, row: Row): boolean {
    if (this.recent.size === 0) return false;
    const key = KEY[table];
    if (!key) return false;
    const until = this.recent.get(key(row));
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.prune();
    return false;
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, until] of this.recent) if (until <= now) this.recent.delete(k);
  }

  private async select<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return (await this.d.client().query({ query, query_params: params, format: "JSONEachRow" })).json<T>();
  }

  private async insert(table: Table, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.d.fault()) throw new Error("injected fault: ClickHouse unavailable");
    // The same rows give the same token: a retry after an unanswered insert is written once.
    const token = `settle-${table}-${Bun.hash(JSON.stringify(rows.map((r) => r.id))).toString(16)}`;
    await this.d.client().insert({
      table,
      values: rows,
      format: "JSONEachRow",
      clickhouse_settings: { insert_deduplication_token: token },
    });
  }
}

function mapped<T extends object>(
  type: "order" | "fill",
  items: readonly T[],
  id: (x: T) => string,
): { rows: Row[]; malformed: number } {
  const rows: Row[] = [];
  let malformed = 0;
  for (const x of items) {
    const m = rowOf(type, id(x), x as Record<string, unknown>);
    if (m === undefined || m instanceof Error) malformed++;
    else rows.push(m.row);
  }
  return { rows, malformed };
}

function unique(rows: Row[], key: (r: Row) => string): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
