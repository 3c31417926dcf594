// Starting and stopping strategies (the running itself is the Supervisor's Worker supervision):
// start, stop, cancel a strategy's orders, and stop every built-in one when the kill switch goes on.
import type { CancelOutcome, StrategyOrders } from "../strategies/desk.ts";
import { StrategyConflict } from "../strategies/errors.ts";
import type { ExternalStrategies } from "../strategies/external.ts";
import type { Supervisor } from "../strategies/supervisor.ts";
import type { AuditSink } from "./audit.ts";
import { auditedChange, mayChange } from "./strategy-changes.ts";
import type { StrategyKinds } from "./strategy-kinds.ts";
import type { Actor, StrategyView } from "./strategy-types.ts";
import type { StrategyViews } from "./strategy-views.ts";

export class StrategyLifecycle {
  constructor(
    private readonly d: {
      sup: Supervisor;
      views: StrategyViews;
      kindsByName: StrategyKinds;
      orders: StrategyOrders;
      external: ExternalStrategies | undefined;
      audit: AuditSink | undefined;
    },
  ) {
    d.orders.onKillSwitch((on) => on && this.killSwitch());
  }

  /** Starts it; `resumed`: by the service after a restart (StrategyResumer). */
  async start(actor: Actor, id: string, opts: { resumed?: boolean } = {}): Promise<StrategyView> {
    const { sup, views, orders } = this.d;
    return auditedChange(
      this.d.audit,
      actor,
      "strategy.start",
      id,
      {},
      async () => {
        const ext = views.externalOf(id);
        if (ext) {
          mayChange(actor, ext.owner, id);
          await this.d.external!.start(id, actor.user);
          return views.get(id);
        }
        const e = views.entry(id);
        mayChange(actor, e.rec.owner, id);
        if (e.rec.state !== "stopped" && e.rec.state !== "error")
          throw new StrategyConflict(`strategy ${id} is ${e.rec.state}`, "already_running");
        if (orders.killSwitch)
          throw new StrategyConflict("the kill switch is on: no strategy starts until it is off", "kill_switch");
        const kind = this.d.kindsByName.of(e.rec);
        const missing = e.rec.instruments.filter((i) => !orders.instrument(i));
        if (missing.length > 0)
          throw new StrategyConflict(
            `no instrument rules for ${missing.join(", ")} (not an instrument the exchange connection serves, or it is not connected yet)`,
            "instrument_unavailable",
            missing.map((i) => ({ field: "instruments", message: `${i}: no rules from the exchange` })),
          );
        await sup.start(e, kind, actor.user, opts);
        return views.of(e);
      },
      (v) => ({ state: v.state, ...(v.state === "error" ? { reason: v.reason } : {}) }),
    );
  }

  async stop(actor: Actor, id: string, opts: { keepOrders?: boolean } = {}): Promise<StrategyView> {
    const { sup, views } = this.d;
    const keepOrders = opts.keepOrders ?? false;
    const r = await auditedChange(
      this.d.audit,
      actor,
      "strategy.stop",
      id,
      { keepOrders },
      async () => {
        const ext = views.externalOf(id);
        if (ext) {
          mayChange(actor, ext.owner, id);
          await this.d.external!.stop(id, actor.user, { keepOrders });
          return { view: views.get(id), canceled: null };
        }
        const e = views.entry(id);
        mayChange(actor, e.rec.owner, id);
        if (e.rec.state !== "running" && e.rec.state !== "starting")
          throw new StrategyConflict(`strategy ${id} is ${e.rec.state}, not running`, "not_running");
        const canceled = await sup.halt(e, { by: actor.user, reason: `stopped by ${actor.user}`, keepOrders });
        return { view: views.of(e), canceled };
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
    const { sup, views } = this.d;
    return auditedChange(
      this.d.audit,
      actor,
      "strategy.cancel_all",
      id,
      {},
      async () => {
        if (views.externalOf(id))
          throw new StrategyConflict(`${id} is an external strategy: send the engine a cancel-all`, "external");
        const e = views.entry(id);
        mayChange(actor, e.rec.owner, id);
        const c = await sup.cancelOpen(e);
        if (c.requested > 0) e.live.log("info", `${actor.user} cancelled ${c.canceled} of ${c.requested} open orders`);
        return c;
      },
      (c) => ({ ...c }),
    );
  }

  /**
   * The kill switch went on: every built-in strategy stops and cancels its orders. External ones
   * are the engine's: the command service sends the kill switch to each engine, which stops them.
   */
  private killSwitch(): void {
    for (const e of this.d.sup.entries.values())
      void this.d.sup.halt(e, { by: "kill switch", reason: "kill switch", keepOrders: false });
  }
}
