// Operator commands (kill switch, cancel all): run, remembered by id, announced on `commands`.
import { randomUUID } from "node:crypto";
import { roundMs } from "../domain/time.ts";
import { type AuditSink, audited } from "./audit.ts";
import type { OrderService } from "./orders.ts";

export type Command = { type: "kill_switch"; on: boolean } | { type: "cancel_all"; instId?: string };

export interface CommandRecord {
  id: string;
  type: Command["type"];
  by: string;
  status: "done" | "failed";
  result: Record<string, unknown>;
  createdAt: number;
  ms: number;
}

export class CommandService {
  private readonly records = new Map<string, CommandRecord>();

  constructor(
    private readonly d: { orders: OrderService; announce: (rec: CommandRecord) => void; audit?: AuditSink },
  ) {}

  /** Runs a command; audited (who, which command, done or failed, how long). */
  run(by: string, cmd: Command): Promise<CommandRecord> {
    const target = cmd.type === "kill_switch" ? `on=${cmd.on}` : (cmd.instId ?? "*");
    return audited(
      this.d.audit,
      { user: by, action: `command.${cmd.type}`, target },
      () => this.runOnce(by, cmd),
      (r) => ({ status: 201, code: r.status === "done" ? "ok" : "failed", detail: { id: r.id, ...r.result } }),
    );
  }

  private async runOnce(by: string, cmd: Command): Promise<CommandRecord> {
    const t0 = performance.now();
    let status: CommandRecord["status"] = "done";
    let result: Record<string, unknown>;
    if (cmd.type === "kill_switch") {
      this.d.orders.killSwitch = cmd.on;
      result = { killSwitch: cmd.on };
    } else {
      const open = this.d.orders.open(cmd.instId);
      const outcomes = await Promise.allSettled(
        open.map((o) => this.d.orders.cancel({ instId: String(o.instId), ordId: String(o.ordId) }, by)),
      );
      const failed = outcomes.filter((x) => x.status === "rejected").length;
      if (failed > 0) status = "failed";
      result = { requested: open.length, canceled: open.length - failed, failed };
    }
    const rec: CommandRecord = {
      id: randomUUID(),
      type: cmd.type,
      by,
      status,
      result,
      createdAt: Date.now(),
      ms: roundMs(performance.now() - t0),
    };
    this.records.set(rec.id, rec);
    if (this.records.size > 10_000) this.records.delete(this.records.keys().next().value!);
    this.d.announce(rec);
    return rec;
  }

  get(id: string): CommandRecord | undefined {
    return this.records.get(id);
  }
}
