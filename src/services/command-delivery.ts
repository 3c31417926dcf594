// Engine commands on their way: each written to its engine's stream (again after a failed write
// and whenever Redis comes back, the engine answering a repeated id from its record), its answers
// taken in (accepted, then done or failed; a late one kept beside a timeout), its deadline kept.
import { type CommandAnswer, type CommandMessage, PROTOCOL_VERSION } from "../engine/protocol.ts";
import type { Logger } from "../log.ts";
import type { CommandRecords } from "./command-records.ts";
import { type CommandError, type CommandRecord, type EngineLink, FINISHED } from "./command-types.ts";

/** How soon a command whose write to Redis failed is written again. */
const RETRY_MS = 250;

export interface EngineDeliveryDeps {
  records: CommandRecords;
  engines: EngineLink;
  log?: Logger;
  /** Finishes a record (the command service's: it also calls forget). */
  finish: (
    rec: CommandRecord,
    status: "done" | "failed" | "timed_out",
    result: Record<string, unknown>,
    error?: CommandError,
  ) => void;
}

export class EngineDelivery {
  /** Unfinished engine commands, as sent: written again whenever Redis comes back. */
  private readonly outbox = new Map<string, CommandMessage>();
  /** Engine commands whose last write failed: retried every RETRY_MS. */
  private readonly unsent = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private retry?: ReturnType<typeof setTimeout>;

  constructor(private readonly d: EngineDeliveryDeps) {
    d.engines.onAnswer((a) => this.answer(a));
    d.engines.onReconnect(() => this.resend());
  }

  /** Writes the command to its engine and starts its deadline; resolves once written or queued for retry. */
  async dispatch(
    rec: CommandRecord,
    route: { name: string; args: Record<string, unknown>; timeoutMs: number },
  ): Promise<void> {
    const msg: CommandMessage = {
      v: PROTOCOL_VERSION,
      type: "command",
      id: rec.id,
      name: route.name,
      args: route.args,
      by: rec.by,
      ts: rec.createdAt,
      deadline: rec.createdAt + route.timeoutMs,
    };
    this.outbox.set(rec.id, msg);
    this.timers.set(
      rec.id,
      setTimeout(() => this.expire(rec.id), route.timeoutMs),
    );
    await this.send(rec.id, msg);
  }

  /** Forgets what was kept to send `id` (it finished). */
  forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.outbox.delete(id);
    this.unsent.delete(id);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    clearTimeout(this.retry);
  }

  /** A failed write leaves the command pending (it may or may not have reached Redis): retried. */
  private async send(id: string, msg: CommandMessage): Promise<void> {
    const engineId = this.d.records.find(id)?.engineId;
    if (!engineId || !this.outbox.has(id)) return;
    try {
      await this.d.engines.send(engineId, msg);
      this.unsent.delete(id);
    } catch (err) {
      if (!this.unsent.has(id))
        this.d.log?.warn("command not written to Redis; retrying", { id, engineId, err: (err as Error).message });
      this.unsent.add(id);
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        for (const u of this.unsent) void this.send(u, this.outbox.get(u)!);
      }, RETRY_MS);
    }
  }

  /** Redis is back: every unfinished command again (the engine answers a repeated id from its record). */
  private resend(): void {
    for (const [id, msg] of this.outbox) void this.send(id, msg);
  }

  private answer(a: CommandAnswer): boolean {
    const records = this.d.records;
    const rec = records.find(a.id);
    if (!rec || rec.engineId !== a.engineId) return false;
    if (a.type === "accepted") {
      if (rec.status === "pending") records.accept(rec);
      return true;
    }
    if (FINISHED.has(rec.status)) {
      if (rec.status === "timed_out" && !rec.late)
        records.late(rec, {
          status: a.status,
          result: a.result,
          ...(a.error ? { error: a.error } : {}),
          at: Date.now(),
        });
      return true;
    }
    if (rec.status === "pending") records.accept(rec);
    this.d.finish(
      rec,
      a.status,
      a.result,
      a.status === "failed" ? (a.error ?? { code: "failed", message: "the engine reported a failure" }) : undefined,
    );
    return true;
  }

  private expire(id: string): void {
    const rec = this.d.records.find(id);
    if (!rec || FINISHED.has(rec.status)) return;
    this.d.finish(rec, "timed_out", rec.result, {
      code: "timed_out",
      message: `no answer from engine ${rec.engineId} within ${rec.timeoutMs} ms`,
    });
  }
}
