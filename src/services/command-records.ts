// The command service's record book: every command's record, kept and bounded, and each change
// to it announced on `commands` and written as an audit row (who, what, params, result, duration).
import { randomUUID } from "node:crypto";
import { roundMs } from "../domain/time.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../ops/metrics.ts";
import type { AuditSink } from "./audit.ts";
import {
  type CommandError,
  type CommandFilter,
  type CommandInput,
  type CommandRecord,
  type CommandStatus,
  FINISHED,
} from "./command-types.ts";

/** Finished records kept (unfinished ones are always kept). */
const KEEP = 10_000;
/** The audit row's `status`: what an HTTP caller gets (or would get) for this state. */
const AUDIT_STATUS: Record<CommandStatus, number> = {
  pending: 202,
  accepted: 202,
  done: 200,
  failed: 422,
  timed_out: 504,
};

export class CommandRecords {
  private readonly records = new Map<string, CommandRecord>();
  private readonly started = new Map<string, number>();
  private readonly waiters = new Map<string, Array<(r: CommandRecord) => void>>();
  /** Per record: settles once every audit row written for it so far is kept (rejects if one was not). */
  private readonly rows = new Map<string, Promise<void>>();
  private unkeptLoggedAt = -Infinity;
  private readonly m;

  constructor(
    private readonly d: {
      announce: (rec: CommandRecord) => void;
      audit?: AuditSink;
      metrics?: Registry;
      log?: Logger;
    },
  ) {
    this.m = d.metrics && {
      finished: d.metrics.counter("tradewire_commands_total", "Commands finished, by type and status"),
      seconds: d.metrics.histogram(
        "tradewire_command_seconds",
        "Command creation to finish, by where it ran (here, engine)",
      ),
    };
  }

  /** A new pending record (announced, audited). */
  create(
    by: string,
    cmd: CommandInput,
    extra: Partial<Pick<CommandRecord, "engineId" | "name" | "timeoutMs" | "parent">> = {},
  ): CommandRecord {
    const { type, ...params } = cmd;
    const now = Date.now();
    const rec: CommandRecord = {
      id: randomUUID(),
      type,
      by,
      status: "pending",
      params,
      result: {},
      createdAt: now,
      updatedAt: now,
      ms: 0,
      ...extra,
    };
    this.records.set(rec.id, rec);
    this.started.set(rec.id, performance.now());
    if (this.records.size > KEEP) this.evict();
    this.changed(rec);
    return rec;
  }

  /** The live record (the service changes it only through accept / finish / late). */
  find(id: string): CommandRecord | undefined {
    return this.records.get(id);
  }

  get(id: string): CommandRecord | undefined {
    const r = this.records.get(id);
    return r && { ...r };
  }

  /** Newest first. */
  list(f: CommandFilter = {}): CommandRecord[] {
    const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
    const all = [...this.records.values()];
    const out: CommandRecord[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const r = all[i]!;
      if ((f.status && r.status !== f.status) || (f.type && r.type !== f.type) || (f.by && r.by !== f.by)) continue;
      if ((f.engineId && r.engineId !== f.engineId) || (f.since !== undefined && r.createdAt < f.since)) continue;
      out.push({ ...r });
    }
    return out;
  }

  /**
   * Resolves once the audit rows of the record's changes so far are kept (the sink's promises);
   * rejects with the sink's error when one could not be.
   */
  audited(id: string): Promise<void> {
    return this.rows.get(id) ?? Promise.resolve();
  }

  /** Resolves with the record once finished, or as it is after `timeoutMs`; undefined for an unknown id. */
  settled(id: string, timeoutMs = 30_000): Promise<CommandRecord | undefined> {
    const r = this.records.get(id);
    if (!r || FINISHED.has(r.status)) return Promise.resolve(r && { ...r });
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.get(id)), timeoutMs);
      const list = this.waiters.get(id) ?? [];
      list.push((rec) => {
        clearTimeout(t);
        resolve(rec);
      });
      this.waiters.set(id, list);
    });
  }

  accept(rec: CommandRecord): void {
    rec.status = "accepted";
    rec.updatedAt = rec.acceptedAt = Date.now();
    this.changed(rec);
  }

  /** `cause`: the error that failed it, for the audit row's status and code (mapped where the sink is wired). */
  finish(
    rec: CommandRecord,
    status: "done" | "failed" | "timed_out",
    result: Record<string, unknown>,
    error?: CommandError,
    cause?: unknown,
  ): void {
    rec.status = status;
    rec.result = result;
    if (error) rec.error = error;
    rec.updatedAt = rec.finishedAt = Date.now();
    this.changed(rec, undefined, cause);
    this.m?.finished.inc({ type: rec.type, status });
    this.m?.seconds.observe({ where: rec.engineId ? "engine" : "here" }, rec.ms / 1000);
    const waiting = this.waiters.get(rec.id);
    this.waiters.delete(rec.id);
    for (const w of waiting ?? []) w({ ...rec });
  }

  /** A result after the command timed out: kept beside it; the status stays. */
  late(rec: CommandRecord, late: NonNullable<CommandRecord["late"]>): void {
    rec.late = late;
    rec.updatedAt = late.at;
    this.changed(rec, "late");
  }

  /** A command refused before it got an id (engine down, unknown strategy, bad input). */
  refused(by: string, cmd: CommandInput, err: unknown): void {
    const { type, ...params } = cmd;
    const e = errorOf(err);
    this.audit(by, type, params, { error: err, ms: 0, detail: { error: e } }).catch(() => {}); // the refusal is answered as it is
  }

  /** Every change: `ms` brought up to date, announced, audited. */
  private changed(rec: CommandRecord, code?: string, cause?: unknown): void {
    rec.ms = roundMs(performance.now() - (this.started.get(rec.id) ?? performance.now()));
    this.d.announce({ ...rec });
    const st = rec.status;
    const kept = this.audit(rec.by, rec.type, rec.engineId ? { ...rec.params, engineId: rec.engineId } : rec.params, {
      ...(cause !== undefined
        ? { error: cause }
        : {
            status: AUDIT_STATUS[st],
            code: code ?? (st === "done" ? "ok" : st === "failed" ? (rec.error?.code ?? "failed") : st),
          }),
      ms: rec.ms,
      detail: {
        id: rec.id,
        status: st,
        ...(rec.engineId ? { engineId: rec.engineId, name: rec.name } : {}),
        ...(rec.parent ? { parent: rec.parent } : {}),
        ...(FINISHED.has(st) ? { result: rec.result } : {}),
        ...(rec.error ? { error: rec.error } : {}),
        ...(rec.late ? { late: rec.late } : {}),
      },
    });
    const before = this.rows.get(rec.id);
    const all = before ? Promise.all([before, kept]).then(() => {}) : kept;
    all.catch(() => {}); // the caller that waits (audited) gets the error
    this.rows.set(rec.id, all);
  }

  /** Hands the row to the sink; resolves once it is kept. A row that cannot be kept never breaks the command (logged). */
  private async audit(
    by: string,
    type: string,
    params: Record<string, unknown>,
    row: ({ status: number; code: string } | { error: unknown }) & { ms: number; detail: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.d.audit?.({
        ts: Date.now(),
        user: by,
        action: `command.${type}`,
        target: targetOf(type, params),
        ...row,
        detail: { params, ...row.detail },
      });
    } catch (err) {
      // Once a minute at most: a full disk would otherwise log every change.
      if (performance.now() - this.unkeptLoggedAt >= 60_000) {
        this.unkeptLoggedAt = performance.now();
        this.d.log?.warn("command audit row not kept", { type, error: (err as Error).message });
      }
      throw err;
    }
  }

  private evict(): void {
    for (const [id, r] of this.records) {
      if (!FINISHED.has(r.status)) continue;
      this.records.delete(id);
      this.started.delete(id);
      this.rows.delete(id);
      if (this.records.size <= KEEP) return;
    }
  }
}

function targetOf(type: string, p: Record<string, unknown>): string {
  if (type === "kill_switch") return `on=${String(p.on)}`;
  if (type === "cancel_all") return String(p.instId ?? "*");
  if (type === "engine") return `${String(p.engineId ?? "")}:${String(p.name)}`;
  return String(p.strategyId ?? "");
}

export function errorOf(err: unknown): CommandError {
  const code = (err as { code?: unknown })?.code;
  return { code: typeof code === "string" ? code : "internal", message: (err as Error)?.message ?? String(err) };
}
