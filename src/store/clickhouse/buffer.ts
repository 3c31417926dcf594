// The recorder's bounded buffer: rows wait here until ClickHouse takes them, and this decides
// what goes when it is full.
//
// Policy (also in docs/operations.md, "History (ClickHouse)"):
// - Samples (trades, tickers: market data; equity: the account's pushes) may be lost: the stream
//   already delivered them and the next push says as much. Over `marketRows` buffered samples
//   (RECORDER_MARKET_BUFFER_ROWS), the OLDEST pending one is dropped for each new one (counted:
//   dropped{table, reason="buffer_full"}).
// - Orders, fills, audit, users, strategies and alerts were acknowledged to someone: they are never dropped to make
//   room. They are kept up to a hard cap (`keptRows`); past it the NEWEST row is refused and
//   counted (dropped{table, reason="hard_cap"}) and the caller logs it. Nothing goes silently.
// - A batch taken for ClickHouse stays "in flight" (still counted) until it is written; a retry
//   sends the same rows with the same deduplication token. While an insert of it is running it is
//   never touched; a sample batch waiting for its retry gives up its oldest rows like pending
//   ones (and gets a new token, since its content changed).
import { DROPPABLE_TABLES, KEPT_TABLES, type Row, type Table } from "./protocol.ts";

/** FIFO with O(1) shift (an index into an array, compacted now and then). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
  values(): T[] {
    return this.items.slice(this.head);
  }
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

export interface Batch {
  table: Table;
  rows: Row[];
  /** insert_deduplication_token: the same on every retry of this batch. */
  token: string;
  attempts: number;
  /** True while an insert of this batch is running (the writer sets it). */
  sending: boolean;
}

const isDroppable = (t: Table) => (DROPPABLE_TABLES as readonly string[]).includes(t);

export class RowBuffer {
  private pending = new Map<Table, Queue<Row>>();
  private inflight = new Map<Table, Batch>();
  private droppableCount = 0;
  private keptCount = 0;
  private batchSeq = 0;
  /** table -> reason -> rows */
  readonly dropped: Partial<Record<Table, Record<string, number>>> = {};

  constructor(private readonly opts: { marketRows: number; keptRows: number; tokenPrefix: string }) {
    for (const t of [...KEPT_TABLES, ...DROPPABLE_TABLES]) this.pending.set(t, new Queue());
  }

  /** Adds a row; false when it was refused (kept table at the hard cap, or a sample with nothing to evict). */
  push(table: Table, row: Row): boolean {
    const q = this.pending.get(table)!;
    if (isDroppable(table)) {
      if (this.droppableCount >= this.opts.marketRows && !this.evictDroppable(table)) {
        this.drop(table, "buffer_full");
        return false;
      }
      this.droppableCount++;
    } else {
      if (this.keptCount >= this.opts.keptRows) {
        this.drop(table, "hard_cap");
        return false;
      }
      this.keptCount++;
    }
    q.push(row);
    return true;
  }

  /** The batch to send for a table: the one still in flight (a retry), else up to `max` pending rows. */
  take(table: Table, max: number): Batch | undefined {
    const cur = this.inflight.get(table);
    if (cur) return cur;
    const q = this.pending.get(table)!;
    if (q.length === 0) return undefined;
    const b: Batch = { table, rows: q.take(max), token: this.token(), attempts: 0, sending: false };
    this.inflight.set(table, b);
    return b;
  }

  /** The in-flight batch of `table` was written. */
  ack(table: Table): number {
    const b = this.inflight.get(table);
    if (!b) return 0;
    this.inflight.delete(table);
    if (isDroppable(table)) this.droppableCount -= b.rows.length;
    else this.keptCount -= b.rows.length;
    return b.rows.length;
  }

  /** Rows buffered per table (pending + in flight). */
  sizes(): Partial<Record<Table, number>> {
    const out: Partial<Record<Table, number>> = {};
    for (const [t, q] of this.pending) out[t] = q.length + (this.inflight.get(t)?.rows.length ?? 0);
    return out;
  }

  /** The rows of a table still waiting to be written (pending and in flight). */
  rows(table: Table): Row[] {
    return [...(this.inflight.get(table)?.rows ?? []), ...this.pending.get(table)!.values()];
  }

  total(): number {
    return this.droppableCount + this.keptCount;
  }

  pendingRows(table: Table): number {
    return this.pending.get(table)!.length;
  }

  /** Drops the oldest sample not being sent: in flight (older) first, then pending; the incoming row's table first. */
  private evictDroppable(prefer: Table): boolean {
    for (const t of [prefer, ...DROPPABLE_TABLES.filter((x) => x !== prefer)]) {
      const b = this.inflight.get(t);
      let gone = false;
      if (b && !b.sending && b.rows.length > 0) {
        b.rows.shift();
        b.token = this.token();
        if (b.rows.length === 0) this.inflight.delete(t);
        gone = true;
      } else gone = this.pending.get(t)!.shift() !== undefined;
      if (gone) {
        this.droppableCount--;
        this.drop(t, "buffer_full");
        return true;
      }
    }
    return false;
  }

  private token(): string {
    return `${this.opts.tokenPrefix}-${++this.batchSeq}`;
  }

  private drop(table: Table, reason: string): void {
    const d = (this.dropped[table] ??= {});
    d[reason] = (d[reason] ?? 0) + 1;
  }
}
