// The order service: idempotency, risk checks, then the exchange; answers carry OKX's ids.
import { createHash, randomBytes } from "node:crypto";
import {
  Conflict,
  type ErrorDetail,
  ExchangeRejected,
  ExchangeUnavailable,
  IdempotencyConflict,
  NotFound,
  RiskRejected,
  ValidationFailed,
} from "../domain/errors.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import {
  type OrderAck,
  type OrderAmend,
  type OrderRef,
  type OrderRequest,
  STRATEGY_CLORDID,
  strategyOrderPrefix,
} from "../domain/orders.ts";
import type { Logger } from "../log.ts";
import type { StateStore } from "../state/store.ts";
import { type AuditSink, audited } from "./audit.ts";
import { GatewayUnavailable, type OrderGateway } from "./gateway.ts";
import { checkOrder, type Refusal, type RiskLimits } from "./risk.ts";

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

const DUPLICATE_CLORDID = "51016";
const NOT_FOUND_CODES = new Set(["51400", "51401", "51603", "51503"]);
const REMEMBER = 10_000;

/** clOrdId from an Idempotency-Key: the same user and key always give the same id. */
export function clOrdIdFor(user: string, key: string): string {
  return `tw${createHash("sha256").update(`${user}\u0000${key}`).digest("hex").slice(0, 30)}`;
}

export class OrderService {
  private kill = false;
  private readonly killListeners = new Set<(on: boolean) => void>();
  private readonly inflight = new Map<string, Promise<PlaceResult>>();
  /** Placements by clOrdId: whose it is, what was asked, and the answer once there is one. */
  private readonly placements = new Map<string, Placement>();
  private readonly rate = new Map<string, RateWindow>();

  constructor(
    private readonly d: {
      gateway: OrderGateway;
      state: StateStore;
      limits: RiskLimits;
      log: Logger;
      audit?: AuditSink;
    },
  ) {}

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
      () => this.placeOnce(user, input, idempotencyKey, opts),
      (r) => ({
        status: r.status,
        code: r.status === 201 ? "ok" : "replayed",
        detail: { ordId: r.body.ordId, clOrdId: r.body.clOrdId },
      }),
    );
  }

  private placeOnce(
    user: string,
    input: OrderRequest,
    idempotencyKey: string | undefined,
    opts: PlaceOptions,
  ): Promise<PlaceResult> {
    if (idempotencyKey && input.clOrdId && input.clOrdId !== clOrdIdFor(user, idempotencyKey))
      throw new ValidationFailed("send either clOrdId or Idempotency-Key, not both", {
        details: [{ field: "clOrdId", message: "conflicts with the Idempotency-Key header" }],
      });
    const clOrdId = idempotencyKey
      ? clOrdIdFor(user, idempotencyKey)
      : (input.clOrdId ?? `tw${randomBytes(15).toString("hex")}`);
    const reserved = opts.strategyId
      ? !clOrdId.startsWith(strategyOrderPrefix(opts.strategyId))
      : STRATEGY_CLORDID.test(clOrdId);
    if (reserved)
      throw new ValidationFailed(`clOrdId ${clOrdId} is not yours to use`, {
        details: [
          {
            field: "clOrdId",
            message: opts.strategyId
              ? `a strategy's orders start with ${strategyOrderPrefix(opts.strategyId)}`
              : "ids of an s and 10 lowercase letters or digits start strategies' orders; choose another",
          },
        ],
      });
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
        killSwitch: this.killSwitch,
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
    const ack = await this.call(() => gateway.place(o));
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
    const found = await this.call(() => this.d.gateway.get({ instId: o.instId, clOrdId: o.clOrdId }));
    if (!found) throw new Conflict(`clOrdId ${o.clOrdId} is taken by an order that cannot be read back`);
    const diff = differences(
      found,
      o,
      SAME.filter((f) => f in found),
    );
    if (diff.length > 0) throw conflict(name, diff);
    return { status: 200, body: { ...found, replayed: true } };
  }

  cancel(ref: OrderRef, by = "unknown"): Promise<OrderAck> {
    return audited(
      this.d.audit,
      { user: by, action: "order.cancel", target: ref.ordId ?? ref.clOrdId ?? "", detail: { instId: ref.instId } },
      () => this.cancelOnce(ref),
    );
  }

  private async cancelOnce(ref: OrderRef): Promise<OrderAck> {
    const ack = await this.call(() => this.d.gateway.cancel(ref));
    if (ack.code !== "0") throw NOT_FOUND_CODES.has(ack.code) ? notFoundOrder(ack) : rejected(ack);
    return ack;
  }

  amend(a: OrderAmend, by = "unknown"): Promise<OrderAck> {
    const detail = { instId: a.instId, newSz: a.newSz ?? null, newPx: a.newPx ?? null };
    return audited(this.d.audit, { user: by, action: "order.amend", target: a.ordId ?? a.clOrdId ?? "", detail }, () =>
      this.amendOnce(a),
    );
  }

  private async amendOnce(a: OrderAmend): Promise<OrderAck> {
    const ack = await this.call(() => this.d.gateway.amend(a));
    if (ack.code !== "0") throw NOT_FOUND_CODES.has(ack.code) ? notFoundOrder(ack) : rejected(ack);
    return ack;
  }

  /** Open orders from the state (what the stream has said), optionally for one instrument. */
  open(instId?: string): Record<string, unknown>[] {
    return this.d.state.list("order", instId ? (o) => o.instId === instId : undefined);
  }

  /** An order by ordId or clOrdId: the open ones from state, others from the exchange. */
  async find(id: string, instId?: string): Promise<Record<string, unknown> | null> {
    const open = this.d.state.get(`order:${id}`) ?? this.d.state.list("order", (o) => o.clOrdId === id)[0];
    if (open) return open;
    if (!instId) return null;
    const ref = /^\d+$/.test(id) ? { instId, ordId: id } : { instId, clOrdId: id };
    return this.call(() => this.d.gateway.get(ref));
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof GatewayUnavailable)
        throw new ExchangeUnavailable(`${err.message}; retrying with the same Idempotency-Key is safe`, { cause: err });
      throw err;
    }
  }

  private tick(user: string): number {
    let w = this.rate.get(user);
    if (!w) this.rate.set(user, (w = new RateWindow(1000)));
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

/** Hits in the last `spanMs`: times in arrival order, expired ones skipped from the front (no copy per hit). */
export class RateWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  /** Records a hit at `now` and returns how many there were in the window, this one included. */
  hit(now: number): number {
    const t = this.times;
    while (this.head < t.length && now - t[this.head]! >= this.spanMs) this.head++;
    if (this.head > 1024 && this.head * 2 > t.length) {
      this.times = t.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}

/** An order as sent: the request with the clOrdId it is placed under. */
type PlacedOrder = OrderRequest & { clOrdId: string };

/** One placement: whose, what was asked, its answer once there is one. */
interface Placement {
  user: string;
  order: PlacedOrder;
  /** Whether an order the exchange has under this clOrdId may be read back to this user. */
  owned: boolean;
  result?: PlaceResult;
}

/** What the retry must agree on with the first request (the exchange's order, after a restart). */
const SAME: ReadonlyArray<keyof OrderRequest> = [
  "instId",
  "side",
  "ordType",
  "sz",
  "px",
  "tdMode",
  "posSide",
  "reduceOnly",
];
const DECIMALS = new Set<keyof OrderRequest>(["sz", "px"]);

/** "0.010" and "0.01" are one size; absent, "" and the exchange's defaults (posSide net, reduceOnly false) are one value. */
function comparable(field: keyof OrderRequest, v: unknown): string {
  if (v === undefined || v === null || v === "" || v === false || v === "false" || (field === "posSide" && v === "net"))
    return "";
  const s = String(v);
  return DECIMALS.has(field) && s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** The fields (of `fields`) where `now` differs from `was`: an earlier request, or the exchange's order. */
function differences(
  was: { readonly [k: string]: unknown } | OrderRequest,
  now: OrderRequest,
  fields = SAME,
): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const f of fields) {
    const a = comparable(f, was[f]);
    const b = comparable(f, now[f]);
    if (a !== b) out.push({ field: f, message: `was ${a || "(none)"}, now ${b || "(none)"}` });
  }
  return out;
}

function conflict(name: string, diff: ErrorDetail[]): IdempotencyConflict {
  return new IdempotencyConflict(
    `${name} was used for a different order (${diff.map((d) => d.field).join(", ")} differ); use a new one`,
    { details: diff },
  );
}

function taken(clOrdId: string): Conflict {
  return new Conflict(`clOrdId ${clOrdId} is already used by another order`);
}

function refPrice(state: StateStore, instId: string): number | undefined {
  const t = state.get(`tickers:${instId}`);
  const last = t ? Number(t.last) : NaN;
  return Number.isFinite(last) && last > 0 ? last : undefined;
}

function rejected(ack: OrderAck): ExchangeRejected {
  const code = ack.code === "51008" ? "insufficient_balance" : "exchange_rejected";
  return new ExchangeRejected(`OKX refused: ${ack.message || ack.code}`, {
    code,
    details: [{ message: `sCode ${ack.code}: ${ack.message}` }],
  });
}

function notFoundOrder(ack: OrderAck): NotFound {
  return new NotFound(`no such open order (${ack.code} ${ack.message})`);
}
