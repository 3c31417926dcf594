// The strategy service: strategies as instances of kinds (create, list, read with live figures,
// update params, delete, start, stop), who may change which, durable across restarts, every
// change audited; the running itself is the Supervisor's (src/strategies/supervisor.ts), and
// strategies of an external engine come through the ExternalStrategies extension point.
import { randomInt } from "node:crypto";
import type { BusEvent } from "../bus/ring.ts";
import type { CancelOutcome } from "../strategies/desk.ts";
import { StrategyConflict, StrategyForbidden, StrategyInvalid } from "../strategies/errors.ts";
import type { ExternalStrategies } from "../strategies/external.ts";
import type { StrategyRecord } from "../strategies/model.ts";
import { PNL_EVERY_MS, type PnlPoint } from "../strategies/pnl-curve.ts";
import { MemoryStrategyStore } from "../strategies/store.ts";
import { DEFAULT_TUNING, Supervisor, type SupervisorDeps, type SupervisorTuning } from "../strategies/supervisor.ts";
import { checkInstruments, checkLimitsInput, checkName, checkParams } from "../strategies/validate.ts";
import type { AuditSink } from "./audit.ts";
import { auditedChange, mayChange, reportChange } from "./strategy-changes.ts";
import { EXTERNAL, type LoadedKind, StrategyKinds } from "./strategy-kinds.ts";
import { StrategyLifecycle } from "./strategy-lifecycle.ts";
import { RESUMING, StrategyResumer } from "./strategy-resume.ts";
import type {
  Actor,
  CreateStrategy,
  KindInfo,
  StrategyFilter,
  StrategyView,
  UpdateStrategy,
} from "./strategy-types.ts";
import { StrategyViews } from "./strategy-views.ts";

export interface StrategyServiceDeps extends Omit<SupervisorDeps, "report" | "tuning"> {
  audit?: AuditSink;
  /** Custom kinds: module URLs whose default export is a Kind (see defineKind). */
  kindModules?: string[];
  external?: ExternalStrategies;
  tuning?: Partial<SupervisorTuning>;
  /** Told each strategy that ended without its user: finished by its own logic, or failed (the webhook). */
  onEnded?: (rec: StrategyRecord) => void;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const RESTARTED = "service restarted while it was running";

export class StrategyService {
  private readonly sup: Supervisor;
  private readonly views: StrategyViews;
  private readonly lifecycle: StrategyLifecycle;
  private readonly resumer: StrategyResumer;

  private constructor(
    private readonly d: StrategyServiceDeps,
    private readonly kindsByName: StrategyKinds,
  ) {
    this.sup = new Supervisor({
      ...d,
      tuning: { ...DEFAULT_TUNING, ...d.tuning },
      report: (r) => {
        reportChange(
          d.audit,
          r.user,
          r.action,
          r.rec.id,
          { status: r.code === "ok" ? 200 : 500, code: r.code },
          r.detail,
        );
        if (r.action === "strategy.error" || (r.action === "strategy.stop" && r.user === "strategy"))
          d.onEnded?.({ ...r.rec });
      },
    });
    this.views = new StrategyViews({ sup: this.sup, kindsByName, external: d.external });
    this.lifecycle = new StrategyLifecycle({
      sup: this.sup,
      views: this.views,
      kindsByName,
      orders: d.orders,
      external: d.external,
      audit: d.audit,
    });
    this.resumer = new StrategyResumer({
      sup: this.sup,
      orders: d.orders,
      followsPositions: (kind) => kindsByName.get(kind)?.positions === true,
      positionsKnown: () => d.positions.known,
      start: (id) => this.lifecycle.start({ user: "system", role: "admin" }, id, { resumed: true }),
      log: d.log,
    });
  }

  /**
   * Loads every strategy and the custom kinds. One that was running when the service ended comes
   * back `stopped` (RESTARTED): its in-memory progress is gone and the market has moved, so
   * trading resumes only when someone starts it again; one of a kind that `resumes` (a stop)
   * starts again by itself once its instruments' rules are in (StrategyResumer).
   */
  static async open(deps: StrategyServiceDeps): Promise<StrategyService> {
    let d = deps;
    let records: StrategyRecord[];
    try {
      records = await d.store.load();
    } catch (err) {
      d.log.warn("strategies are NOT durable this run: cannot load them", { error: (err as Error).message });
      d = { ...d, store: new MemoryStrategyStore() };
      records = [];
    }
    const s = new StrategyService(d, await StrategyKinds.load(d.kindModules));
    for (const rec of records) {
      const e = s.sup.add(rec);
      if (rec.state !== "starting" && rec.state !== "running" && rec.state !== "stopping") continue;
      const resumes = s.kindsByName.get(rec.kind)?.resumes === true;
      await s.sup.setState(e, "stopped", resumes ? RESUMING : RESTARTED);
      if (resumes) s.resumer.add(rec.id);
    }
    return s;
  }

  get durable(): boolean {
    return this.d.store.durable;
  }

  /** A kind this run has (built-in or custom), by name. */
  kind(name: string): LoadedKind | undefined {
    return this.kindsByName.get(name);
  }

  kindNames(): string[] {
    return this.kindsByName.names();
  }

  kinds(): KindInfo[] {
    return this.kindsByName.info();
  }

  list(f: StrategyFilter = {}): StrategyView[] {
    return this.views.list(f);
  }

  get(id: string): StrategyView {
    return this.views.get(id);
  }

  /** Its total PnL over the current (or last) run from `from` on; an engine's strategy has none here. */
  pnl(id: string, from?: number): { everyMs: number; data: PnlPoint[] } {
    if (this.views.externalOf(id)) return { everyMs: PNL_EVERY_MS, data: [] };
    const curve = this.views.entry(id).live.pnl;
    return { everyMs: curve.everyMs, data: curve.since(from) };
  }

  async create(actor: Actor, input: CreateStrategy): Promise<StrategyView> {
    return auditedChange(
      this.d.audit,
      actor,
      "strategy.create",
      input.name,
      { kind: input.kind, instruments: input.instruments, params: input.params ?? {} },
      async () => {
        if (actor.role !== "trader" && actor.role !== "admin")
          throw new StrategyForbidden("only traders and admins create strategies");
        const kind = this.kindsByName.get(input.kind);
        if (!kind)
          throw new StrategyInvalid(`unknown kind ${input.kind}`, [
            {
              field: "kind",
              message:
                input.kind === EXTERNAL
                  ? "external strategies are registered by the engine"
                  : `one of ${this.kindsByName.names().join(", ")}`,
            },
          ]);
        const now = Date.now();
        const rec: StrategyRecord = {
          id: this.newId(),
          name: checkName(input.name),
          kind: kind.name,
          owner: actor.user,
          instruments: checkInstruments(kind, input.instruments),
          params: checkParams(kind, input.params ?? {}),
          limits: checkLimitsInput(input.limits ?? {}),
          state: "stopped",
          reason: "created",
          createdAt: now,
          updatedAt: now,
          saved: null,
        };
        const e = this.sup.add(rec);
        await this.sup.save(e);
        this.sup.publish(e);
        return this.views.of(e);
      },
      (v) => ({ id: v.id }),
    );
  }

  async update(actor: Actor, id: string, patch: UpdateStrategy): Promise<StrategyView> {
    return auditedChange(this.d.audit, actor, "strategy.update", id, { ...patch }, async () => {
      const ext = this.views.externalOf(id);
      if (ext) {
        mayChange(actor, ext.owner, id);
        const other = (["name", "instruments", "limits"] as const).find((k) => patch[k] !== undefined);
        if (other)
          throw new StrategyInvalid("only the params of an external strategy can be changed here", [
            { field: other, message: "the engine owns it" },
          ]);
        await this.d.external!.updateParams(id, patch.params ?? {}, actor.user);
        return this.get(id);
      }
      const e = this.views.entry(id);
      mayChange(actor, e.rec.owner, id);
      const { rec } = e;
      const kind = this.kindsByName.of(rec);
      const running = rec.state !== "stopped" && rec.state !== "error";
      const merged = { ...rec.params };
      for (const [k, v] of Object.entries(patch.params ?? {})) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const params = checkParams(kind, merged);
      const instruments = patch.instruments ? checkInstruments(kind, patch.instruments) : rec.instruments;
      const limits = checkLimitsInput({ ...rec.limits, ...patch.limits });
      if (running) {
        const fixed = Object.keys({ ...rec.params, ...params })
          .filter((k) => JSON.stringify(rec.params[k]) !== JSON.stringify(params[k]) && !kind.liveParams.includes(k))
          .map((k) => ({ field: `params.${k}`, message: `${kind.name} applies it only while stopped` }));
        if (JSON.stringify(instruments) !== JSON.stringify(rec.instruments))
          fixed.push({ field: "instruments", message: "only while stopped" });
        if (fixed.length > 0)
          throw new StrategyConflict(
            `strategy ${id} is ${rec.state}: stop it to change ${fixed.map((f) => f.field).join(", ")}`,
            "not_live",
            fixed,
          );
      }
      const paramsChanged = JSON.stringify(params) !== JSON.stringify(rec.params);
      const pace = this.sup.orderPace(limits);
      const paceChanged = pace !== this.sup.orderPace(rec.limits);
      Object.assign(rec, {
        name: patch.name !== undefined ? checkName(patch.name) : rec.name,
        params,
        instruments,
        limits,
        updatedAt: Date.now(),
      });
      await this.sup.save(e);
      if (paramsChanged) e.live.runner?.params(params);
      if (paceChanged) e.live.runner?.rate(pace);
      if (paramsChanged && running) e.live.log("info", `params changed by ${actor.user}`);
      this.sup.publish(e);
      return this.views.of(e);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await auditedChange(this.d.audit, actor, "strategy.delete", id, {}, async () => {
      const ext = this.views.externalOf(id);
      if (ext) {
        mayChange(actor, ext.owner, id);
        throw new StrategyConflict(`${id} is an external strategy: the engine removes it`, "external");
      }
      const e = this.views.entry(id);
      mayChange(actor, e.rec.owner, id);
      if (e.rec.state !== "stopped" && e.rec.state !== "error")
        throw new StrategyConflict(`strategy ${id} is ${e.rec.state}: stop it before deleting it`, "running");
      await this.d.store.remove(e.rec);
      this.sup.entries.delete(id);
      this.sup.gone(id);
    });
  }

  start(actor: Actor, id: string): Promise<StrategyView> {
    return this.lifecycle.start(actor, id);
  }

  stop(actor: Actor, id: string, opts: { keepOrders?: boolean } = {}): Promise<StrategyView> {
    return this.lifecycle.stop(actor, id, opts);
  }

  /**
   * Cancels the strategy's open orders and leaves it in its state (the cancel-all command for one
   * strategy; a running one sees its orders cancelled like any cancel from outside).
   */
  cancelOrders(actor: Actor, id: string): Promise<CancelOutcome> {
    return this.lifecycle.cancelOrders(actor, id);
  }

  /** The bus reader's batches: orders and fills of strategies feed their ledgers. */
  consume(events: BusEvent[]): void {
    this.sup.consume(events);
  }

  /** The service is shutting down: running strategies end and cancel their orders, and come back stopped next time. */
  close(): Promise<void> {
    this.resumer.stop();
    return this.sup.close();
  }

  /** True for a built-in strategy of this service (not an engine's). */
  owns(id: string): boolean {
    return this.sup.entries.has(id);
  }

  /** Throws unless `actor` may change strategy `id` (NotFound, Forbidden): for callers outside this service. */
  authorize(actor: Actor, id: string): void {
    mayChange(actor, this.get(id).owner, id);
  }

  private newId(): string {
    for (;;) {
      let id = "";
      for (let i = 0; i < 10; i++) id += ALPHABET[randomInt(ALPHABET.length)];
      if (!this.sup.entries.has(id) && !this.d.external?.get(id)) return id;
    }
  }
}
