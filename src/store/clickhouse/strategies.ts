// Durable strategies: the strategy service's store kept in ClickHouse (table `strategies`, latest
// version wins, deletes are tombstones), written through the ClickHouse Worker.
import type { StrategyRecord } from "../../strategies/model.ts";
import type { StrategyStore } from "../../strategies/store.ts";
import type { StrategyRow } from "./protocol.ts";
import { Versions } from "./versions.ts";

/** What the store needs from history (the Worker does the ClickHouse part). */
export interface StrategyTable {
  loadStrategies(): Promise<StrategyRow[]>;
  putStrategy(s: StrategyRow): Promise<{ written: boolean }>;
}

export class ClickHouseStrategyStore implements StrategyStore {
  readonly durable = true;
  private readonly versions = new Versions();

  constructor(private readonly table: StrategyTable) {}

  async load(): Promise<StrategyRecord[]> {
    const out: StrategyRecord[] = [];
    for (const r of await this.table.loadStrategies()) {
      this.versions.saw(r.version);
      out.push(fromRow(r));
    }
    return out;
  }

  save(r: StrategyRecord): Promise<void> {
    return this.put(r, false);
  }

  remove(r: StrategyRecord): Promise<void> {
    return this.put(r, true);
  }

  /** Rejects when the row did not reach the Worker; a row ClickHouse refused for now waits in its buffer and is retried there. */
  private async put(r: StrategyRecord, deleted: boolean): Promise<void> {
    await this.table.putStrategy({ ...toRow(r), deleted, version: this.versions.next() });
  }
}

export function toRow(r: StrategyRecord): Omit<StrategyRow, "deleted" | "version"> {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    owner: r.owner,
    state: r.state,
    reason: r.reason ?? "",
    config: JSON.stringify({ instruments: r.instruments, params: r.params, limits: r.limits }),
    figures: r.saved ? JSON.stringify(r.saved) : "",
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function fromRow(r: StrategyRow): StrategyRecord {
  const config = JSON.parse(r.config) as Pick<StrategyRecord, "instruments" | "params" | "limits">;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    owner: r.owner,
    instruments: config.instruments,
    params: config.params,
    limits: config.limits,
    state: r.state as StrategyRecord["state"],
    reason: r.reason === "" ? null : r.reason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    saved: r.figures ? (JSON.parse(r.figures) as StrategyRecord["saved"]) : null,
  };
}
