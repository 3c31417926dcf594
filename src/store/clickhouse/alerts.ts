// Durable price alerts: the alert service's store kept in ClickHouse (table `alerts`, latest
// version wins, a removal is a tombstone), written through the ClickHouse Worker.

import type { AlertStore } from "../../alerts/store.ts";
import type { PriceAlert } from "../../domain/alerts.ts";
import type { AlertRow } from "./protocol.ts";
import { Versions } from "./versions.ts";

/** What the store needs from history (the Worker does the ClickHouse part). */
export interface AlertTable {
  loadAlerts(): Promise<AlertRow[]>;
  putAlert(a: AlertRow): Promise<{ written: boolean }>;
}

export class ClickHouseAlertStore implements AlertStore {
  readonly durable = true;
  private readonly versions = new Versions();

  constructor(private readonly table: AlertTable) {}

  async load(): Promise<PriceAlert[]> {
    const rows = await this.table.loadAlerts();
    for (const r of rows) this.versions.saw(r.version);
    return rows.map(fromAlertRow);
  }

  save(a: PriceAlert): Promise<void> {
    return this.put(a, false);
  }

  remove(a: PriceAlert): Promise<void> {
    return this.put(a, true);
  }

  /** Rejects when the row did not reach the Worker; one ClickHouse refused for now waits in its buffer and is retried there. */
  private async put(a: PriceAlert, deleted: boolean): Promise<void> {
    await this.table.putAlert({ ...toAlertRow(a), deleted, version: this.versions.next() });
  }
}

export function toAlertRow(a: PriceAlert): Omit<AlertRow, "deleted" | "version"> {
  return { ...a, firedAt: a.firedAt ?? 0, firedPx: a.firedPx ?? 0 };
}

export function fromAlertRow(r: AlertRow): PriceAlert {
  return {
    id: r.id,
    owner: r.owner,
    instId: r.instId,
    price: r.price,
    up: r.up,
    note: r.note,
    createdAt: r.createdAt,
    firedAt: r.firedAt > 0 ? r.firedAt : null,
    firedPx: r.firedAt > 0 ? r.firedPx : null,
  };
}
