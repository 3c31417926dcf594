// The recorder's figures in /metrics: the Worker reports cumulative numbers, counters take deltas.
import type { Registry } from "../../ops/metrics.ts";
import { type RecorderStats, TABLES } from "./protocol.ts";

export class RecorderMetrics {
  private readonly written;
  private readonly batches;
  private readonly retries;
  private readonly dropped;
  private readonly overrun;
  private readonly malformed;
  private last: RecorderStats | undefined;
  private up = 0;
  private buffered: Record<string, number> = {};

  constructor(registry: Registry) {
    this.written = registry.counter("recorder_rows_written_total", "Rows written to ClickHouse, by table");
    this.batches = registry.counter("recorder_batches_total", "Batch inserts that succeeded, by table");
    this.retries = registry.counter(
      "recorder_retries_total",
      "Batch inserts that failed and will be retried, by table",
    );
    this.dropped = registry.counter(
      "recorder_dropped_rows_total",
      "Rows not recorded, by table and reason (buffer_full: oldest market data; hard_cap: newest refused; unavailable: no ClickHouse)",
    );
    this.overrun = registry.counter(
      "recorder_overrun_events_total",
      "Bus events lost because the recorder fell a whole ring behind",
    );
    this.malformed = registry.counter(
      "recorder_malformed_events_total",
      "Bus events of a recorded type that did not map to a row",
    );
    const buf = registry.gauge("recorder_buffer_rows", "Rows waiting for ClickHouse, by table");
    for (const t of TABLES) buf.set({ table: t }, () => this.buffered[t] ?? 0);
    registry.gauge("clickhouse_up", "1 when ClickHouse is reachable and migrated").set({}, () => this.up);
  }

  update(s: RecorderStats): void {
    const prev = this.last;
    const delta = (
      now: Partial<Record<string, number>>,
      before: Partial<Record<string, number>> | undefined,
      c: { inc(l: Record<string, string>, by: number): void },
    ) => {
      for (const [table, n] of Object.entries(now)) {
        const d = (n ?? 0) - (before?.[table] ?? 0);
        if (d > 0) c.inc({ table }, d);
      }
    };
    delta(s.written, prev?.written, this.written);
    delta(s.batches, prev?.batches, this.batches);
    delta(s.retries, prev?.retries, this.retries);
    for (const [table, reasons] of Object.entries(s.dropped)) {
      for (const [reason, n] of Object.entries(reasons ?? {})) {
        const d = n - (prev?.dropped[table as keyof typeof prev.dropped]?.[reason] ?? 0);
        if (d > 0) this.dropped.inc({ table, reason }, d);
      }
    }
    if (s.overrunEvents > (prev?.overrunEvents ?? 0))
      this.overrun.inc({}, s.overrunEvents - (prev?.overrunEvents ?? 0));
    if (s.malformed > (prev?.malformed ?? 0)) this.malformed.inc({}, s.malformed - (prev?.malformed ?? 0));
    this.buffered = s.buffered as Record<string, number>;
    this.up = s.connected ? 1 : 0;
    this.last = s;
  }

  /** Rows the main thread could not even hand to a Worker (history off or the Worker gone). */
  droppedHere(table: string, reason: string): void {
    this.dropped.inc({ table, reason }, 1);
  }
}
