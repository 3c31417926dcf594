// The audit log's durable path: each entry is journaled (written, and fdatasync'd when asked) before
// the request it describes is answered, then handed to the recorder; sealed journal segments are
// settled into ClickHouse (the rows it lacks are written) and removed a while later. So an
// acknowledged action has its audit row in the journal at once and in ClickHouse soon after, across
// a killed process (a power cut too with fsync) or ClickHouse being down.
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.ts";
import type { AuditInput, History, JournaledAudit } from "./clickhouse/index.ts";
import { Journal } from "./journal.ts";

export interface AuditLogOptions {
  /** The journal's directory (DATA_DIR/journal). */
  dir: string;
  history: History;
  log: Logger;
  /** A segment with entries is sealed after this long, so it can be settled and removed. */
  rollMs?: number;
  /** How often sealed segments are settled (when ClickHouse is ready). */
  tickMs?: number;
  /**
   * How long a settled segment is kept before it is removed. ClickHouse does not fsync what it is
   * given (the kernel writes it out within ~35 s), so until then a power cut could still take the
   * rows from ClickHouse; a segment still here is settled again at the next start.
   */
  retainMs?: number;
  segmentBytes?: number;
  /** fdatasync each write (survives a power cut); false (default): written only, which survives a killed process. */
  fsync?: boolean;
}

export interface AuditLog {
  /** Resolves once the entry is on disk (rejects when it cannot be written). */
  record(a: AuditInput): Promise<void>;
  /** Settles the sealed segments it can now and removes those settled retainMs ago; resolves with how many are left. */
  settle(): Promise<number>;
  /** Seals the current segment (when it has entries). */
  roll(): void;
  /** No more settling (before ClickHouse stops); entries are still journaled until close(). */
  stopSettling(): Promise<void>;
  close(): Promise<void>;
}

/**
 * @example
 *   const audit = openAuditLog({ dir: join(DATA_DIR, "journal"), history, log });
 *   new OrderService({ ..., audit: audit.record });
 */
export function openAuditLog(o: AuditLogOptions): AuditLog {
  const { history, log } = o;
  if (history.status().mode === "off") {
    // No ClickHouse at all this run (CLICKHOUSE_ENABLED=false): there is nowhere to settle to.
    return {
      record: async (a) => history.audit(a),
      settle: async () => 0,
      roll: () => {},
      stopSettling: async () => {},
      close: async () => {},
    };
  }
  const journal = new Journal<JournaledAudit>(o.dir, {
    segmentBytes: o.segmentBytes ?? 4 << 20,
    sync: o.fsync ?? false,
  });
  const rollMs = o.rollMs ?? 5_000;
  let sealedAt = Date.now();
  const retainMs = o.retainMs ?? 120_000;
  /** Sealed segments whose entries ClickHouse has, and since when. */
  const settled = new Map<string, number>();
  let settling: Promise<number> | null = null;
  let tornLogged = false;
  let failures = 0;

  const roll = () => {
    journal.roll();
    sealedAt = Date.now();
  };

  const settleNow = async (): Promise<number> => {
    for (const seg of journal.sealed()) {
      if (settled.has(seg)) continue;
      const { records, torn } = journal.read(seg);
      if (torn && !tornLogged) {
        tornLogged = true; // the tail of a segment cut by a crash: never acknowledged
        log.warn("audit journal: a segment ends in a torn entry (cut by a crash); the entries before it are kept", {
          segment: seg,
        });
      }
      const r = records.length > 0 ? await history.settleAudit(records) : { inserted: 0, waiting: 0 };
      if (r.waiting > 0) break; // the recorder writes those soon; look again later
      if (r.inserted > 0)
        log.info("audit entries replayed from the journal into ClickHouse", { segment: seg, entries: r.inserted });
      settled.set(seg, Date.now());
    }
    for (const [seg, at] of settled) {
      if (Date.now() - at < retainMs) continue;
      journal.remove(seg);
      settled.delete(seg);
    }
    return journal.sealed().length;
  };

  const settle = () =>
    (settling ??= settleNow().finally(() => {
      settling = null;
    }));

  const timer = setInterval(() => {
    if (!history.status().ready || settling) return;
    if (journal.size().records > 0 && Date.now() - sealedAt >= rollMs) roll();
    if (journal.sealed().length === 0) return;
    settle().then(
      () => {
        failures = 0;
      },
      (err: Error) => {
        // Once, then once a minute: ClickHouse may be failing for a while, the segments wait.
        if (failures++ % 60 === 0)
          log.warn("audit journal not settled yet; retrying", { error: err.message, failures });
      },
    );
  }, o.tickMs ?? 1_000);
  timer.unref?.();

  return {
    async record(a) {
      const id = randomUUID();
      await journal.append({ ...a, id });
      history.audit(a, id);
    },
    settle,
    roll,
    async stopSettling() {
      clearInterval(timer);
      await settling?.catch(() => {});
    },
    async close() {
      clearInterval(timer);
      await settling?.catch(() => {});
      await journal.close();
    },
  };
}
