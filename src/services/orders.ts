// The order service: idempotency, risk checks, then the exchange; answers carry OKX's ids.
import type { Position } from "../domain/events.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import type { OrderAck, OrderAmend, OrderRef, OrderRequest } from "../domain/orders.ts";
import type { Logger } from "../log.ts";
import type { StateStore } from "../state/store.ts";
import { type AuditSink, audited } from "./audit.ts";
import type { OrderGateway } from "./gateway.ts";
import { acknowledged, exchangeCall } from "./order-answers.ts";
import { OrderPlacements, type PlaceOptions, type PlaceResult } from "./order-placement.ts";
import type { RiskLimits } from "./risk.ts";

export { clOrdIdFor } from "./order-idempotency.ts";
export type { PlaceOptions, PlaceResult } from "./order-placement.ts";

export class OrderService {
  private kill = false;
  private readonly killListeners = new Set<(on: boolean) => void>();
  private readonly placements: OrderPlacements;

  constructor(
    private readonly d: {
      gateway: OrderGateway;
      state: StateStore;
      limits: RiskLimits;
      log: Logger;
      audit?: AuditSink;
    },
  ) {
    this.placements = new OrderPlacements({
      gateway: d.gateway,
      state: d.state,
      limits: d.limits,
      killSwitch: () => this.kill,
    });
  }

  /** On: every new order is refused until it is off. Listeners hear every setting (strategies stop on it). */
  get killSwitch(): boolean {
    return this.kill;
  }

  set killSwitch(on: boolean) {
    this.kill = on;
    for (const f of this.killListeners) f(on);
  }

  /** Calls `f` whenever the kill switch is set; returns the unsubscribe function. */
  onKillSwitch(f: (on: boolean) => void): () => void {
    this.killListeners.add(f);
    return () => this.killListeners.delete(f);
  }

  /** Orders a second any one user or strategy may place (the service-wide risk limit). */
  get ordersPerSecond(): number {
    return this.d.limits.ordersPerSecond;
  }

  /** The instrument's rules as the exchange listed them (undefined before it has). */
  instrument(instId: string): InstrumentSpec | undefined {
    return this.d.gateway.instrument(instId);
  }

  /** Places an order once per clOrdId: concurrent and later retries get the first answer. Audited. */
  place(user: string, input: OrderRequest, idempotencyKey?: string, opts: PlaceOptions = {}): Promise<PlaceResult> {
    const what = {
      user,
      action: "order.place",
      target: input.instId,
      detail: { side: input.side, ordType: input.ordType, sz: input.sz, px: input.px ?? null, ...opts.auditDetail },
    };
    return audited(
      this.d.audit,
      what,
      () => this.placements.place(user, input, idempotencyKey, opts),
      (r) => ({
        status: r.status,
        code: r.status === 201 ? "ok" : "replayed",
        detail: { ordId: r.body.ordId, clOrdId: r.body.clOrdId },
      }),
    );
  }

  cancel(ref: OrderRef, by = "unknown"): Promise<OrderAck> {
    return audited(
      this.d.audit,
      { user: by, action: "order.cancel", target: ref.ordId ?? ref.clOrdId ?? "", detail: { instId: ref.instId } },
      async () => acknowledged(await exchangeCall(() => this.d.gateway.cancel(ref))),
    );
  }

  amend(a: OrderAmend, by = "unknown"): Promise<OrderAck> {
    const detail = { instId: a.instId, newSz: a.newSz ?? null, newPx: a.newPx ?? null };
    return audited(
      this.d.audit,
      { user: by, action: "order.amend", target: a.ordId ?? a.clOrdId ?? "", detail },
      async () => acknowledged(await exchangeCall(() => this.d.gateway.amend(a))),
    );
  }

  /** Open orders from the state (what the stream has said), optionally for one instrument. */
  open(instId?: string): Record<string, unknown>[] {
    return this.d.state.list("order", instId ? (o) => o.instId === instId : undefined);
  }

  /** Positions held (none flat) from the state, optionally of one instrument. */
  positions(instId?: string): Position[] {
    const held = (p: Record<string, unknown>) => Number(p.pos) !== 0 && (!instId || p.instId === instId);
    return this.d.state.list("position", held) as unknown as Position[];
  }

  /** An order by ordId or clOrdId: the open ones from state, others from the exchange. */
  async find(id: string, instId?: string): Promise<Record<string, unknown> | null> {
    const open = this.d.state.get(`order:${id}`) ?? this.d.state.list("order", (o) => o.clOrdId === id)[0];
    if (open) return open;
    if (!instId) return null;
    const ref = /^\d+$/.test(id) ? { instId, ordId: id } : { instId, clOrdId: id };
    return exchangeCall(() => this.d.gateway.get(ref));
  }
}
