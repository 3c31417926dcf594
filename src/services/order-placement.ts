// Placing an order once per clOrdId: replays of earlier answers, the pre-trade risk checks, then the
// exchange; what the order service's `place` runs under its audit row.
import { Conflict, ExchangeUnavailable, RiskRejected } from "../domain/errors.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import type { OrderRequest } from "../domain/orders.ts";
import type { StateStore } from "../state/store.ts";
import type { OrderGateway } from "./gateway.ts";
import { DUPLICATE_CLORDID, exchangeCall, rejected } from "./order-answers.ts";
import { clOrdIdOf, conflict, differences, type PlacedOrder, SAME, taken } from "./order-idempotency.ts";
import { checkOrder, type Refusal, type RiskLimits } from "./risk.ts";
import { SlidingRate } from "./sliding-rate.ts";

export interface PlaceResult {
  /** 201 placed now; 200 the same request seen before (idempotent replay). */
  status: 200 | 201;
  body: Record<string, unknown>;
}

/** How an order placed on someone's behalf (a strategy) is checked and recorded. */
export interface PlaceOptions {
  /** The strategy placing it: its clOrdId must carry the strategy's prefix (people's may not). */
  strategyId?: string;
  /** Whose orders-per-second budget it counts against (default: the user's). */
  rateKey?: string;
  /** One more pre-trade check after the service's own; its refusal is a risk rejection like theirs. */
  check?: (
    o: OrderRequest & { clOrdId: string },
    ctx: { spec: InstrumentSpec | undefined; refPx: number | undefined },
  ) => Refusal | null;
  /** Added to the audit row's detail (e.g. the strategy). */
  auditDetail?: Record<string, unknown>;
  /** false: the caller never retries a clOrdId (a strategy), so its answer is not kept for replays. */
  remember?: boolean;
}

/** One placement: whose, what was asked, its answer once there is one. */
interface Placement {
  user: string;
  order: PlacedOrder;
  /** Whether an order the exchange has under this clOrdId may be read back to this user. */
  owned: boolean;
  result?: PlaceResult;
}

const REMEMBER = 10_000;

export class OrderPlacements {
  private readonly inflight = new Map<string, Promise<PlaceResult>>();
  /** Placements by clOrdId: whose it is, what was asked, and the answer once there is one. */
  private readonly placements = new Map<string, Placement>();
  private readonly rate = new Map<string, SlidingRate>();

  constructor(
    private readonly d: {
      gateway: OrderGateway;
      state: StateStore;
      limits: RiskLimits;
      /** Whether the kill switch is on now (every new order is refused). */
      killSwitch: () => boolean;
    },
  ) {}

  /** Places an order once per clOrdId: concurrent and later retries get the first answer. */
  place(
    user: string,
    input: OrderRequest,
    idempotencyKey: string | undefined,
    opts: PlaceOptions,
  ): Promise<PlaceResult> {
    const clOrdId = clOrdIdOf(user, input, idempotencyKey, opts.strategyId);
    const order: PlacedOrder = { ...input, clOrdId };
    const name = idempotencyKey ? `Idempotency-Key ${idempotencyKey}` : `clOrdId ${clOrdId}`;
    const seen = this.placements.get(clOrdId);
    if (seen && seen.user !== user) throw taken(clOrdId);
    if (seen) {
      const diff = differences(seen.order, order);
      if (diff.length > 0) throw conflict(name, diff);
      if (seen.result) return Promise.resolve({ status: 200, body: { ...seen.result.body, replayed: true } });
      const running = this.inflight.get(clOrdId);
      if (running) return running.then((r) => ({ status: 200, body: { ...r.body, replayed: true } }));
    }
    // A key's clOrdId is this user's by construction; an explicit one only when this process saw it placed.
    const placement: Placement = { user, order, owned: Boolean(idempotencyKey) || seen !== undefined };
    this.placements.set(clOrdId, placement);
    this.forgetOld();
    const mine = () => this.placements.get(clOrdId) === placement;
    const p = this.send(user, order, placement, name, opts)
      .then(
        (r) => {
          placement.result = r;
          // remember: false (the caller never retries): not kept for replays; a later use of the clOrdId asks the exchange.
          if (opts.remember === false && mine()) this.placements.delete(clOrdId);
          return r;
        },
        (err: unknown) => {
          // The exchange's answer is unknown: keep the owner, so this user's retry may ask it again.
          if (!(err instanceof ExchangeUnavailable) && mine()) this.placements.delete(clOrdId);
          throw err;
        },
      )
      .finally(() => this.inflight.delete(clOrdId));
    this.inflight.set(clOrdId, p);
    return p;
  }

  private async send(
    user: string,
    o: PlacedOrder,
    placement: Placement,
    name: string,
    opts: PlaceOptions,
  ): Promise<PlaceResult> {
    const { gateway, state, limits } = this.d;
    const spec = gateway.instrument(o.instId);
    const refPx = refPrice(state, o.instId);
    const refusal =
      checkOrder(o, limits, {
        killSwitch: this.d.killSwitch(),
        openOrders: state.count("order") + this.inflight.size,
        userRate: this.tick(opts.rateKey ?? user),
        spec,
        refPx,
      }) ?? opts.check?.(o, { spec, refPx });
    if (refusal)
      throw new RiskRejected(refusal.message, {
        details: [
          { ...(refusal.field ? { field: refusal.field } : {}), message: `${refusal.code}: ${refusal.message}` },
        ],
      });
    const ack = await exchangeCall(() => gateway.place(o));
    if (ack.code === DUPLICATE_CLORDID) return this.existing(o, placement, name);
    if (ack.code !== "0") throw rejected(ack);
    const result: PlaceResult = {
      status: 201,
      body: {
        ordId: ack.ordId,
        clOrdId: ack.clOrdId,
        instId: o.instId,
        side: o.side,
        ordType: o.ordType,
        sz: o.sz,
        px: o.px ?? null,
        code: ack.code,
        message: ack.message,
      },
    };
    return result;
  }

  /**
   * The exchange already has this clOrdId (a retry after a restart): that order, when it is this
   * user's (see Placement.owned) and what was asked now; otherwise a conflict, never someone else's order.
   */
  private async existing(o: PlacedOrder, placement: Placement, name: string): Promise<PlaceResult> {
    if (!placement.owned) throw taken(o.clOrdId);
    const found = await exchangeCall(() => this.d.gateway.get({ instId: o.instId, clOrdId: o.clOrdId }));
    if (!found) throw new Conflict(`clOrdId ${o.clOrdId} is taken by an order that cannot be read back`);
    const diff = differences(
      found,
      o,
      SAME.filter((f) => f in found),
    );
    if (diff.length > 0) throw conflict(name, diff);
    return { status: 200, body: { ...found, replayed: true } };
  }

  private tick(user: string): number {
    let w = this.rate.get(user);
    if (!w) this.rate.set(user, (w = new SlidingRate(1000)));
    return w.hit(performance.now());
  }

  /** Keeps the newest REMEMBER placements (those still running stay). */
  private forgetOld(): void {
    for (const [clOrdId] of this.placements) {
      if (this.placements.size <= REMEMBER) return;
      if (!this.inflight.has(clOrdId)) this.placements.delete(clOrdId);
    }
  }
}

function refPrice(state: StateStore, instId: string): number | undefined {
  const t = state.get(`tickers:${instId}`);
  const last = t ? Number(t.last) : NaN;
  return Number.isFinite(last) && last > 0 ? last : undefined;
}
