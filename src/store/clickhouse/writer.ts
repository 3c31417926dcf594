// Moves buffered rows into ClickHouse in batches: one insert per table per batch, retried with
// backoff while ClickHouse is down (same rows, same deduplication token), counted for /metrics.
import type { ClickHouseClient } from "@clickhouse/client";
import { backoffDelay } from "../../domain/backoff.ts";
import type { RowBuffer } from "./buffer.ts";
import { TABLES, type Table } from "./protocol.ts";

export class InjectedFault extends Error {
  override name = "InjectedFault";
}

/** Retry delays: 50-100 ms, doubling up to 2.5-5 s. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export interface WriterDeps {
  client: ClickHouseClient;
  buffer: RowBuffer;
  batchRows: number;
  onError(table: Table, err: Error, attempts: number): void;
}

export class Writer {
  /** Test hook: every insert fails while set (ClickHouse "down"). */
  fault = false;
  connected = true;
  lastError: string | null = null;
  readonly written: Partial<Record<Table, number>> = {};
  readonly batches: Partial<Record<Table, number>> = {};
  readonly retries: Partial<Record<Table, number>> = {};
  private running: Promise<boolean> | null = null;
  /** The pass forced callers wait for while one runs. */
  private following: Promise<boolean> | null = null;
  private retryAt = 0;
  /** Failed attempts in a row. */
  private failures = 0;

  constructor(private readonly d: WriterDeps) {}

  /** Writes what is buffered (unless waiting out a backoff; `force`: now, and everything); true when nothing is left. */
  flush(force = false): Promise<boolean> {
    if (this.running) {
      if (!force) return this.running;
      // Every forced call made during a pass shares the one pass after it, which takes in all
      // that was buffered by then, instead of each queueing a pass of its own.
      this.following ??= this.running.then(() => {
        this.following = null;
        return this.flush(true);
      });
      return this.following;
    }
    if (!force && performance.now() < this.retryAt) return Promise.resolve(false);
    this.running = this.pass(force).finally(() => (this.running = null));
    return this.running;
  }

  /** Milliseconds until the next attempt is allowed (0 when not backing off). */
  waitMs(): number {
    return Math.max(0, this.retryAt - performance.now());
  }

  private async pass(drain: boolean): Promise<boolean> {
    const { buffer, batchRows } = this.d;
    for (const table of TABLES) {
      // What was waiting when the pass began (plus a batch in flight): rows that keep arriving
      // during the pass are the next pass's, so a drain ends even under constant load.
      let budget = Math.ceil(buffer.pendingRows(table) / batchRows) + 1;
      while (budget-- > 0) {
        const batch = buffer.take(table, batchRows);
        if (!batch) break;
        batch.attempts++;
        batch.sending = true;
        try {
          if (this.fault) throw new InjectedFault("injected fault: ClickHouse unavailable");
          await this.d.client.insert({
            table,
            values: batch.rows,
            format: "JSONEachRow",
            clickhouse_settings: { insert_deduplication_token: batch.token },
          });
        } catch (err) {
          batch.sending = false;
          this.retries[table] = (this.retries[table] ?? 0) + 1;
          this.connected = false;
          this.lastError = (err as Error).message.split("\n")[0]!.slice(0, 300);
          this.retryAt = performance.now() + backoffDelay(this.failures++, BACKOFF_BASE_MS, BACKOFF_MAX_MS);
          this.d.onError(table, err as Error, batch.attempts);
          return false;
        }
        const n = buffer.ack(table);
        this.written[table] = (this.written[table] ?? 0) + n;
        this.batches[table] = (this.batches[table] ?? 0) + 1;
        this.connected = true;
        this.lastError = null;
        this.failures = 0;
        this.retryAt = 0;
        // Rows that came in meanwhile wait for the next flush unless a full batch is ready:
        // writing each trickle at once would turn one batch into many tiny inserts.
        if (!drain && buffer.pendingRows(table) < batchRows) break;
      }
    }
    return buffer.total() === 0;
  }
}
