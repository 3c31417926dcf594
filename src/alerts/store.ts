// Where price alerts are kept: the alert service reads every one at start and writes each change
// through. ClickHouse implements it (src/store/clickhouse/alerts.ts); memory when there is none.
import type { PriceAlert } from "../domain/alerts.ts";

export interface AlertStore {
  /** False when alerts end with the process (no ClickHouse). */
  readonly durable: boolean;
  /** Every alert not removed, waiting or fired. */
  load(): Promise<PriceAlert[]>;
  /** Writes the alert as it is now (set, fired). */
  save(a: PriceAlert): Promise<void>;
  remove(a: PriceAlert): Promise<void>;
}

export class MemoryAlertStore implements AlertStore {
  readonly durable = false;
  private readonly rows = new Map<string, PriceAlert>();

  async load(): Promise<PriceAlert[]> {
    return [...this.rows.values()].map((a) => ({ ...a }));
  }

  async save(a: PriceAlert): Promise<void> {
    this.rows.set(a.id, { ...a });
  }

  async remove(a: PriceAlert): Promise<void> {
    this.rows.delete(a.id);
  }
}
