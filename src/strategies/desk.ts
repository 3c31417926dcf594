// The strategies' order desk on the main thread: carries a strategy's orders and cancels from its
// Worker to the order service, the one path to the exchange (its risk checks first, then the
// strategy's own limits; orders per second counted per strategy), and cancels what it has open.
import { strategyOrderPrefix } from "../domain/strategy-orders.ts";
import type { OrderService } from "../services/orders.ts";
import type { OrderRequest, PlaceAnswer } from "./kind.ts";
import { checkLimits, type LimitRefusal } from "./limits.ts";
import type { LiveStrategy } from "./live.ts";
import type { StrategyRecord, StrategyState } from "./model.ts";

export type StrategyOrders = Pick<
  OrderService,
  "killSwitch" | "onKillSwitch" | "instrument" | "place" | "cancel" | "ordersPerSecond"
>;

/** One strategy as the supervisor holds it: its record and its live side. */
export interface Entry {
  rec: StrategyRecord;
  live: LiveStrategy;
  /** Settles when a start ends (running, or stopped/failed before that). */
  started?: { resolve(): void };
  /** Orders sent and not yet answered (a stop waits for them before cancelling). */
  inflight: Set<Promise<unknown>>;
  savedFills: number;
  savedAt: number;
}

export interface CancelOutcome {
  requested: number;
  canceled: number;
  failed: number;
}

/** States in which a strategy trades. */
export const RUNNING: ReadonlySet<StrategyState> = new Set(["starting", "running"]);

const errorCode = (err: unknown): string => String((err as { code?: unknown })?.code ?? "error");
const errorText = (err: unknown): string => {
  const e = err as { message?: unknown; details?: Array<{ message?: unknown }> };
  return String(e?.details?.[0]?.message ?? e?.message ?? err).slice(0, 300);
};

/** `p`'s value, or undefined when it takes longer than `ms`. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

export class OrderDesk {
  constructor(
    private readonly orders: StrategyOrders,
    private readonly cancelTimeoutMs: number,
  ) {}

  /** One order the strategy's Worker asked for; the answer goes back to that Worker. */
  place(e: Entry, req: number, o: OrderRequest & { clOrdId: string }, prefix: string): void {
    const p = this.send(e, req, o, prefix);
    e.inflight.add(p);
    void p.finally(() => e.inflight.delete(p));
  }

  private async send(e: Entry, req: number, o: OrderRequest & { clOrdId: string }, prefix: string): Promise<void> {
    const { rec, live } = e;
    const runner = live.runner;
    const answer = (a: PlaceAnswer) => runner?.answerPlace(req, a);
    const refuse = (code: string, message: string) => {
      live.counters.ordersRejected++;
      live.log("warn", `order ${o.clOrdId} refused: ${code}: ${message}`);
      answer({ ok: false, clOrdId: o.clOrdId, code, message });
    };
    if (!RUNNING.has(rec.state)) return refuse("not_running", `the strategy is ${rec.state}`);
    if (!o.clOrdId.startsWith(prefix) || !/^[A-Za-z0-9]{1,32}$/.test(o.clOrdId))
      return refuse("bad_clordid", "clOrdIds are made by the strategy's context");
    if (!rec.instruments.includes(o.instId))
      return refuse("instrument_not_allowed", `${o.instId} is not one of the strategy's instruments`);
    const spec = this.orders.instrument(o.instId);
    let mine: LimitRefusal | null = null;
    try {
      const r = await this.orders.place(
        rec.owner,
        {
          instId: o.instId,
          side: o.side,
          ordType: o.ordType,
          sz: o.sz,
          px: o.px,
          tdMode: o.tdMode ?? (!spec || spec.instType === "SPOT" ? "cash" : "cross"),
          clOrdId: o.clOrdId,
          ...(o.reduceOnly ? { reduceOnly: true } : {}),
        },
        undefined,
        {
          rateKey: `strategy:${rec.id}`,
          strategyId: rec.id,
          remember: false, // its clOrdIds are never retried: keep the replay memory for people's orders
          auditDetail: { strategy: rec.id },
          check: (order, ctx) => {
            mine = checkLimits(order, rec.limits, {
              exposure: live.ledger.exposure(order.instId, order.side),
              rate: live.rate.hit(performance.now()),
              ctVal: ctx.spec?.ctVal ?? 1,
              px: order.px !== undefined ? Number(order.px) : ctx.refPx,
              closes: order.reduceOnly === true && ctx.spec !== undefined && ctx.spec.instType !== "SPOT",
            });
            if (!mine)
              live.ledger.reserve({
                clOrdId: order.clOrdId,
                instId: order.instId,
                side: order.side,
                px: order.px ?? "",
                sz: order.sz,
              });
            return mine;
          },
        },
      );
      const ordId = String(r.body.ordId ?? "");
      live.ledger.acknowledged(o.clOrdId, ordId);
      live.counters.ordersPlaced++;
      live.dirty = true;
      answer({ ok: true, clOrdId: o.clOrdId, ordId });
    } catch (err) {
      live.ledger.release(o.clOrdId);
      const m = mine as LimitRefusal | null;
      refuse(m ? m.code : errorCode(err), m ? m.message : errorText(err));
    }
  }

  /** A cancel the strategy's Worker asked for: only of its own orders. */
  async cancel(e: Entry, req: number, instId: string, clOrdId: string): Promise<void> {
    const runner = e.live.runner;
    if (!clOrdId.startsWith(strategyOrderPrefix(e.rec.id)))
      return runner?.answerCancel(req, {
        ok: false,
        code: "not_its_order",
        message: "a strategy cancels only its own orders",
      });
    try {
      await this.orders.cancel({ instId, clOrdId }, e.rec.owner);
      e.live.counters.ordersCanceled++;
      runner?.answerCancel(req, { ok: true });
    } catch (err) {
      runner?.answerCancel(req, { ok: false, code: errorCode(err), message: errorText(err) });
    }
  }

  /** Cancels every open order of the strategy (the ones it sent are answered first), within the time allowed. */
  async cancelOpen(e: Entry): Promise<CancelOutcome> {
    const t0 = performance.now();
    const left = () => Math.max(0, this.cancelTimeoutMs - (performance.now() - t0));
    await within(Promise.allSettled([...e.inflight]), left());
    const open = e.live.ledger.openOrders().filter((o) => o.state !== "sent" || o.ordId !== "");
    if (open.length === 0) return { requested: 0, canceled: 0, failed: 0 };
    const results = open.map((o) =>
      this.orders
        .cancel(o.ordId ? { instId: o.instId, ordId: o.ordId } : { instId: o.instId, clOrdId: o.clOrdId }, e.rec.owner)
        .then(
          () => true,
          (err) => errorCode(err) === "not_found", // already filled or cancelled: gone all the same
        ),
    );
    const done = await within(Promise.all(results), left());
    const canceled = done ? done.filter(Boolean).length : 0;
    e.live.counters.ordersCanceled += canceled;
    return { requested: open.length, canceled, failed: open.length - canceled };
  }
}
