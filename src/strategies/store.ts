// Where strategies are kept: the service reads every one at start and writes each change
// through. ClickHouse implements it (src/store/clickhouse/strategies.ts); memory when there is none.
import type { StrategyRecord } from "./model.ts";

export interface StrategyStore {
  /** False when strategies end with the process (no ClickHouse). */
  readonly durable: boolean;
  /** Every strategy not deleted. */
  load(): Promise<StrategyRecord[]>;
  /** Writes the strategy as it is now (create, update, state change). */
  save(r: StrategyRecord): Promise<void>;
  remove(r: StrategyRecord): Promise<void>;
}

export class MemoryStrategyStore implements StrategyStore {
  readonly durable = false;
  private readonly rows = new Map<string, StrategyRecord>();

  async load(): Promise<StrategyRecord[]> {
    return [...this.rows.values()].map((r) => structuredClone(r));
  }

  async save(r: StrategyRecord): Promise<void> {
    this.rows.set(r.id, structuredClone(r));
  }

  async remove(r: StrategyRecord): Promise<void> {
    this.rows.delete(r.id);
  }
}
