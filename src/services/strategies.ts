// The strategy service: strategies as instances of kinds (create, list, read with live figures,
// update params, delete, start, stop), who may change which, durable across restarts, every
// change audited; the running itself is the Supervisor's (src/strategies/supervisor.ts), and
// strategies of an external engine come through the ExternalStrategies extension point.
import { randomInt } from "node:crypto";
import { z } from "zod";
import type { BusEvent } from "../bus/ring.ts";
import type { CancelOutcome, Entry } from "../strategies/desk.ts";
import { StrategyConflict, StrategyForbidden, StrategyInvalid, StrategyNotFound } from "../strategies/errors.ts";
import type { ExternalStrategies, ExternalStrategy } from "../strategies/external.ts";
import type { Kind } from "../strategies/kind.ts";
import { BUILT_IN_KINDS } from "../strategies/kinds/index.ts";
import type { StrategyRecord } from "../strategies/model.ts";
import { MemoryStrategyStore } from "../strategies/store.ts";
import { DEFAULT_TUNING, Supervisor, type SupervisorDeps, type SupervisorTuning } from "../strategies/supervisor.ts";
import { checkInstruments, checkLimitsInput, checkName, checkParams } from "../strategies/validate.ts";
import { type AuditSink, audited } from "./audit.ts";
import {
  type Actor,
  type CreateStrategy,
  externalView,
  type KindInfo,
  type StrategyFilter,
  type StrategyView,
  type UpdateStrategy,
} from "./strategy-types.ts";

export type {
  Actor,
  CreateStrategy,
  KindInfo,
  StrategyFilter,
  StrategyView,
  UpdateStrategy,
} from "./strategy-types.ts";

export interface StrategyServiceDeps extends Omit<SupervisorDeps, "report" | "tuning"> {
  audit?: AuditSink;
  /** Custom kinds: module URLs whose default export is a Kind (see defineKind). */
  kindModules?: string[];
  external?: ExternalStrategies;
  tuning?: Partial<SupervisorTuning>;
}

const EXTERNAL = "external";
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const RESTARTED = "service restarted while it was running";

export class StrategyService {
  private readonly sup: Supervisor;
  private readonly kindsByName = new Map<string, Kind & { url?: string }>();

  private constructor(private readonly d: StrategyServiceDeps) {
    this.sup = new Supervisor({
      ...d,
      tuning: { ...DEFAULT_TUNING, ...d.tuning },
      report: (r) =>
        this.report(r.user, r.action, r.rec.id, { status: r.code === "ok" ? 200 : 500, code: r.code }, r.detail),
    });
    d.orders.onKillSwitch((on) => on && this.killSwitch());
  }

  /**
   * Loads every strategy and the custom kinds. One that was running when the service ended comes
   * back `stopped` (RESTARTED): its in-memory progress is gone and the market has moved, so
   * trading resumes only when someone starts it again.
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
    const s = new StrategyService(d);
    for (const k of BUILT_IN_KINDS.values()) s.kindsByName.set(k.name, k);
    for (const url of d.kindModules ?? []) {
      const k = ((await import(url)) as { default?: Kind }).default;
      if (!k?.name || !k.params || typeof k.create !== "function")
        throw new Error(`${url}: its default export is not a strategy kind`);
      if (s.kindsByName.has(k.name) || k.name === EXTERNAL) throw new Error(`${url}: kind ${k.name} exists already`);
      s.kindsByName.set(k.name, { ...k, url });
    }
    for (const rec of records) {
      const e = s.sup.add(rec);
      if (rec.state === "starting" || rec.state === "running" || rec.state === "stopping")
        await s.sup.setState(e, "stopped", RESTARTED);
    }
    return s;
  }

  get durable(): boolean {
    return this.d.store.durable;
  }

  kinds(): KindInfo[] {
    return [...this.kindsByName.values()].map((k) => ({
      name: k.name,
      title: k.title,
      description: k.description,
      instruments: k.instruments,
      liveParams: [...k.liveParams],
      params: z.toJSONSchema(k.params, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    }));
  }

  list(f: StrategyFilter = {}): StrategyView[] {
    const own = [...this.sup.entries.values()].map((e) => this.view(e));
    const ext = (this.d.external?.list() ?? []).map(externalView);
    return [...own, ...ext]
      .filter(
        (v) => (!f.state || v.state === f.state) && (!f.kind || v.kind === f.kind) && (!f.owner || v.owner === f.owner),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id: string): StrategyView {
    const e = this.sup.entries.get(id);
    if (e) return this.view(e);
    const x = this.d.external?.get(id);
    if (x) return externalView(x);
    throw new StrategyNotFound(`no strategy ${id}`);
  }

  async create(actor: Actor, input: CreateStrategy): Promise<StrategyView> {
    return this.audited(
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
                  : `one of ${[...this.kindsByName.keys()].join(", ")}`,
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
        return this.view(e);
      },
      (v) => ({ id: v.id }),
    );
  }

  async update(actor: Actor, id: string, patch: UpdateStrategy): Promise<StrategyView> {
    return this.audited(actor, "strategy.update", id, { ...patch }, async () => {
      const ext = this.externalOf(id);
      if (ext) {
        this.mayChange(actor, ext.owner, id);
        const other = (["name", "instruments", "limits"] as const).find((k) => patch[k] !== undefined);
        if (other)
          throw new StrategyInvalid("only the params of an external strategy can be changed here", [
            { field: other, message: "the engine owns it" },
          ]);
        await this.d.external!.updateParams(id, patch.params ?? {}, actor.user);
        return this.get(id);
      }
      const e = this.entry(id);
      this.mayChange(actor, e.rec.owner, id);
      const { rec } = e;
      const kind = this.kindOf(rec);
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
      Object.assign(rec, {
        name: patch.name !== undefined ? checkName(patch.name) : rec.name,
        params,
        instruments,
        limits,
        updatedAt: Date.now(),
      });
      await this.sup.save(e);
      if (paramsChanged) e.live.runner?.params(params);
      if (paramsChanged && running) e.live.log("info", `params changed by ${actor.user}`);
      this.sup.publish(e);
      return this.view(e);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.audited(actor, "strategy.delete", id, {}, async () => {
      const ext = this.externalOf(id);
      if (ext) {
        this.mayChange(actor, ext.owner, id);
        throw new StrategyConflict(`${id} is an external strategy: the engine removes it`, "external");
      }
      const e = this.entry(id);
      this.mayChange(actor, e.rec.owner, id);
      if (e.rec.state !== "stopped" && e.rec.state !== "error")
        throw new StrategyConflict(`strategy ${id} is ${e.rec.state}: stop it before deleting it`, "running");
      await this.d.store.remove(e.rec);
      this.sup.entries.delete(id);
      this.sup.gone(id);
    });
  }

  async start(actor: Actor, id: string): Promise<StrategyView> {
    return this.audited(
      actor,
      "strategy.start",
      id,
      {},
      async () => {
        const ext = this.externalOf(id);
        if (ext) {
          this.mayChange(actor, ext.owner, id);
          await this.d.external!.start(id, actor.user);
          return this.get(id);
        }
        const e = this.entry(id);
        this.mayChange(actor, e.rec.owner, id);
        if (e.rec.state !== "stopped" && e.rec.state !== "error")
          throw new StrategyConflict(`strategy ${id} is ${e.rec.state}`, "already_running");
        if (this.d.orders.killSwitch)
          throw new StrategyConflict("the kill switch is on: no strategy starts until it is off", "kill_switch");
        const kind = this.kindOf(e.rec);
        const missing = e.rec.instruments.filter((i) => !this.d.orders.instrument(i));
        if (missing.length > 0)
          throw new StrategyConflict(
            `no instrument rules for ${missing.join(", ")} (not an instrument the exchange connection serves, or it is not connected yet)`,
            "instrument_unavailable",
            missing.map((i) => ({ field: "instruments", message: `${i}: no rules from the exchange` })),
          );
        await this.sup.start(e, kind, actor.user);
        return this.view(e);
      },
      (v) => ({ state: v.state, ...(v.state === "error" ? { reason: v.reason } : {}) }),
    );
  }

  async stop(actor: Actor, id: string, opts: { keepOrders?: boolean } = {}): Promise<StrategyView> {
    const keepOrders = opts.keepOrders ?? false;
    const r = await this.audited(
      actor,
      "strategy.stop",
      id,
      { keepOrders },
      async () => {
        const ext = this.externalOf(id);
        if (ext) {
          this.mayChange(actor, ext.owner, id);
          await this.d.external!.stop(id, actor.user, { keepOrders });
          return { view: this.get(id), canceled: null };
        }
        const e = this.entry(id);
        this.mayChange(actor, e.rec.owner, id);
        if (e.rec.state !== "running" && e.rec.state !== "starting")
          throw new StrategyConflict(`strategy ${id} is ${e.rec.state}, not running`, "not_running");
        const canceled = await this.sup.halt(e, { by: actor.user, reason: `stopped by ${actor.user}`, keepOrders });
        return { view: this.view(e), canceled };
      },
      (x) => ({ state: x.view.state, ...(x.canceled ?? {}) }),
    );
    return r.view;
  }

  /**
   * Cancels the strategy's open orders and leaves it in its state (the cancel-all command for one
   * strategy; a running one sees its orders cancelled like any cancel from outside).
   */
  async cancelOrders(actor: Actor, id: string): Promise<CancelOutcome> {
    return this.audited(
      actor,
      "strategy.cancel_all",
      id,
      {},
      async () => {
        if (this.externalOf(id))
          throw new StrategyConflict(`${id} is an external strategy: send the engine a cancel-all`, "external");
        const e = this.entry(id);
        this.mayChange(actor, e.rec.owner, id);
        const c = await this.sup.cancelOpen(e);
        if (c.requested > 0) e.live.log("info", `${actor.user} cancelled ${c.canceled} of ${c.requested} open orders`);
        return c;
      },
      (c) => ({ ...c }),
    );
  }

  /** The bus reader's batches: orders and fills of strategies feed their ledgers. */
  consume(events: BusEvent[]): void {
    this.sup.consume(events);
  }

  /** The service is shutting down: running strategies end and cancel their orders, and come back stopped next time. */
  close(): Promise<void> {
    return this.sup.close();
  }

  /**
   * The kill switch went on: every built-in strategy stops and cancels its orders. External ones
   * are the engine's: the command service sends the kill switch to each engine, which stops them.
   */
  private killSwitch(): void {
    for (const e of this.sup.entries.values())
      void this.sup.halt(e, { by: "kill switch", reason: "kill switch", keepOrders: false });
  }

  private view(e: Entry): StrategyView {
    const { saved: _saved, ...rec } = e.rec;
    return {
      ...rec,
      liveParams: [...(this.kindsByName.get(rec.kind)?.liveParams ?? [])],
      figures: e.live.figures(this.sup.lastPx),
      logs: e.live.logs(),
    };
  }

  private entry(id: string): Entry {
    const e = this.sup.entries.get(id);
    if (!e) throw new StrategyNotFound(`no strategy ${id}`);
    return e;
  }

  private externalOf(id: string): ExternalStrategy | undefined {
    return this.sup.entries.has(id) ? undefined : this.d.external?.get(id);
  }

  private kindOf(rec: StrategyRecord): Kind & { url?: string } {
    const k = this.kindsByName.get(rec.kind);
    if (!k) throw new StrategyConflict(`kind ${rec.kind} is not available in this run`, "kind_unavailable");
    return k;
  }

  /** True for a built-in strategy of this service (not an engine's). */
  owns(id: string): boolean {
    return this.sup.entries.has(id);
  }

  /** Throws unless `actor` may change strategy `id` (NotFound, Forbidden): for callers outside this service. */
  authorize(actor: Actor, id: string): void {
    this.mayChange(actor, this.get(id).owner, id);
  }

  /** Owners and admins change a strategy; an external one, admins and the engine. Everyone signed in reads. */
  private mayChange(actor: Actor, owner: string, id: string): void {
    if (actor.role === "admin" || (actor.user === owner && (actor.role === "trader" || actor.role === "engine")))
      return;
    throw new StrategyForbidden(`strategy ${id} belongs to ${owner}: only its owner or an admin may change it`);
  }

  private newId(): string {
    for (;;) {
      let id = "";
      for (let i = 0; i < 10; i++) id += ALPHABET[randomInt(ALPHABET.length)];
      if (!this.sup.entries.has(id) && !this.d.external?.get(id)) return id;
    }
  }

  /**
   * Runs a change and writes its audit row: who, what, the params, how it ended, how long it took.
   * Answered once the row is kept (services/audit.ts: otherwise `audit_unavailable`).
   */
  private audited<T>(
    actor: Actor,
    action: string,
    target: string,
    detail: Record<string, unknown>,
    f: () => Promise<T>,
    ok: (r: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> {
    const status = action === "strategy.create" ? 201 : action === "strategy.delete" ? 204 : 200;
    return audited(this.d.audit, { user: actor.user, action, target, detail }, f, (r) => ({ status, detail: ok(r) }));
  }

  /** A change no caller waits for (the Supervisor's): its row is handed over; one not kept is dropped. */
  private report(
    user: string,
    action: string,
    target: string,
    end: { status: number; code: string } | { error: unknown },
    detail: Record<string, unknown> = {},
  ): void {
    try {
      Promise.resolve(this.d.audit?.({ ts: Date.now(), user, action, target, ms: 0, detail, ...end })).catch(() => {});
    } catch {
      // auditing never breaks what it describes
    }
  }
}
