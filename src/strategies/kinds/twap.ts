// TWAP: trades a total quantity evenly over a duration, one child order per interval, each an
// IOC limit at the opposite touch (plus at most `maxSlippagePct`), so it fills now or not at all;
// what a slice did not fill is caught up by the next ones. It stops itself when done.
import { z } from "zod";
import type { Fill, Order } from "../../domain/events.ts";
import { ENDED_STATES } from "../../domain/orders.ts";
import { defineKind, type InstrumentSpec, type StrategyContext } from "../kind.ts";
import { fmtStep, onStep } from "./steps.ts";

const params = z
  .object({
    side: z.enum(["buy", "sell"]).describe("buy or sell the quantity"),
    quantity: z.number().positive().describe("total size to trade (base currency; contracts for swaps)"),
    durationSec: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(300)
      .describe("time to spread the quantity over"),
    intervalMs: z.number().int().min(50).max(3_600_000).default(5_000).describe("one child order every this often"),
    maxSlippagePct: z
      .number()
      .min(0)
      .max(10)
      .default(0.1)
      .describe("child orders cross the spread by at most this much past the touch (percent); applied live"),
    priceLimit: z
      .number()
      .positive()
      .optional()
      .describe("never buy above / sell below this price (slices wait); applied live"),
    overrunIntervals: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(10)
      .describe("intervals after the end spent catching up what is unfilled before giving up"),
  })
  .strict();
export type TwapParams = z.infer<typeof params>;

/**
 * Size of the next child: what the schedule wants done by now, less what is filled and in flight,
 * on the lot grid; 0 when nothing (or less than the minimum) is due.
 */
export function childSize(a: {
  quantity: number;
  filled: number;
  inflight: number;
  elapsedMs: number;
  durationMs: number;
  rules: InstrumentSpec;
}): number {
  const due = a.quantity * Math.min(1, Math.max(0, a.elapsedMs / a.durationMs));
  const want = onStep(Math.min(due, a.quantity) - a.filled - a.inflight, a.rules.lotSz, "down");
  return want >= a.rules.minSz && want > 0 ? want : 0;
}

/** IOC price: the opposite touch moved by the slippage allowance, on the tick grid, within the price limit. */
export function iocPrice(
  side: "buy" | "sell",
  touch: number,
  slippagePct: number,
  tick: number,
  limit?: number,
): number | null {
  if (!(touch > 0)) return null;
  const px =
    side === "buy"
      ? onStep(touch * (1 + slippagePct / 100), tick, "down")
      : onStep(touch * (1 - slippagePct / 100), tick, "up");
  const capped =
    limit === undefined
      ? px
      : side === "buy"
        ? Math.min(px, onStep(limit, tick, "down"))
        : Math.max(px, onStep(limit, tick, "up"));
  // A price that no longer reaches the touch would not fill: wait for the market instead.
  if ((side === "buy" && capped < touch) || (side === "sell" && capped > touch)) return null;
  return capped;
}

const STALE_MS = 30_000;

export class TwapLogic {
  private startedAt = 0;
  private filled = 0;
  /** Fills of orders in flight, by order. */
  private readonly fillsOf = new Map<string, number>();
  /** Ended orders whose update said more filled than their fills have told yet. */
  private readonly owed = new Map<string, { sz: number; at: number }>();
  /** clOrdId -> size and when it was sent; an IOC ends at once, so one not heard of for STALE_MS is dropped. */
  private readonly inflight = new Map<string, { sz: number; at: number }>();
  private finished = false;

  constructor(
    private readonly ctx: StrategyContext,
    private p: TwapParams,
  ) {}

  private get instId(): string {
    return this.ctx.instruments[0]!;
  }

  onStart(): void {
    this.startedAt = this.ctx.now();
    this.ctx.log(
      `${this.p.side} ${this.p.quantity} ${this.instId} over ${this.p.durationSec} s, a slice every ${this.p.intervalMs} ms`,
    );
    this.ctx.every(this.p.intervalMs, () => this.slice());
  }

  onFill(f: Fill): void {
    const sz = Number(f.fillSz);
    this.filled += sz;
    const owed = this.owed.get(f.clOrdId);
    if (owed !== undefined) {
      owed.sz -= sz;
      if (owed.sz <= 1e-12) this.owed.delete(f.clOrdId);
    } else if (this.inflight.has(f.clOrdId)) this.fillsOf.set(f.clOrdId, (this.fillsOf.get(f.clOrdId) ?? 0) + sz);
  }

  /**
   * An order's end: no longer in flight. Its update comes before its fill events (as the exchange
   * pushes them): what it says filled and no fill has told yet is still counted as in flight.
   */
  onOrder(o: Order): void {
    if (!ENDED_STATES.has(o.state)) return;
    if (!this.inflight.delete(o.clOrdId)) return;
    const owed = (Number(o.accFillSz) || 0) - (this.fillsOf.get(o.clOrdId) ?? 0);
    this.fillsOf.delete(o.clOrdId);
    if (owed > 1e-12) this.owed.set(o.clOrdId, { sz: owed, at: this.ctx.now() });
  }

  onParams(p: Record<string, unknown>): void {
    this.p = {
      ...this.p,
      maxSlippagePct: Number(p.maxSlippagePct),
      ...(p.priceLimit === undefined ? { priceLimit: undefined } : { priceLimit: Number(p.priceLimit) }),
    } as TwapParams;
    this.ctx.log(`slippage ${this.p.maxSlippagePct}%, price limit ${this.p.priceLimit ?? "none"}`);
  }

  /** Done, unfilled and in-flight quantities (tests, logs). */
  progress(): { filled: number; inflight: number } {
    let inflight = [...this.inflight.values()].reduce((a, b) => a + b.sz, 0);
    for (const v of this.owed.values()) inflight += v.sz;
    return { filled: this.filled, inflight };
  }

  slice(): void {
    if (this.finished) return;
    const rules = this.ctx.rules(this.instId);
    if (!rules) return void this.ctx.log(`no instrument rules for ${this.instId} yet`, "warn");
    const durationMs = this.p.durationSec * 1000;
    const now = this.ctx.now();
    const elapsedMs = now - this.startedAt;
    for (const [id, f] of this.owed) if (now - f.at > STALE_MS) this.owed.delete(id);
    for (const [id, f] of this.inflight)
      if (now - f.at > STALE_MS) {
        this.inflight.delete(id);
        this.ctx.log(`no end heard for ${id} in ${STALE_MS / 1000} s: no longer counted as in flight`, "warn");
      }
    const { inflight } = this.progress();
    const left = this.p.quantity - this.filled;
    if (inflight === 0 && left < Math.max(rules.minSz, rules.lotSz / 2)) {
      this.finish(
        `completed: ${Number(fmtStep(this.filled, rules.lotSz))} ${this.instId} ${this.p.side === "buy" ? "bought" : "sold"}`,
      );
      return;
    }
    if (inflight === 0 && elapsedMs > durationMs + this.p.overrunIntervals * this.p.intervalMs) {
      this.finish(`ended with ${Number(fmtStep(left, rules.lotSz))} of ${this.p.quantity} unfilled`);
      return;
    }
    const sz = childSize({ quantity: this.p.quantity, filled: this.filled, inflight, elapsedMs, durationMs, rules });
    if (sz === 0) return;
    const t = this.ctx.ticker(this.instId);
    const touch = Number(this.p.side === "buy" ? t?.askPx : t?.bidPx);
    const px = iocPrice(this.p.side, touch, this.p.maxSlippagePct, rules.tickSz, this.p.priceLimit);
    if (px === null) return;
    const pending = this.ctx.place({
      instId: this.instId,
      side: this.p.side,
      ordType: "ioc",
      px: fmtStep(px, rules.tickSz),
      sz: fmtStep(sz, rules.lotSz),
    });
    this.inflight.set(pending.clOrdId, { sz, at: now });
    void pending.answer.then((a) => {
      if (a.ok) return;
      this.inflight.delete(a.clOrdId);
      this.ctx.log(`slice of ${sz} refused: ${a.code} ${a.message}`, "warn");
    });
  }

  private finish(reason: string): void {
    this.finished = true;
    this.ctx.log(reason);
    this.ctx.finish(reason);
  }
}

export default defineKind({
  name: "twap",
  title: "TWAP",
  description:
    "Trades `quantity` evenly over `durationSec`: every `intervalMs` an IOC limit order for what the schedule says is due, at the opposite touch plus at most `maxSlippagePct`. Stops itself when done. `maxSlippagePct` and `priceLimit` apply while running; the other params when stopped.",
  params,
  liveParams: ["maxSlippagePct", "priceLimit"],
  instruments: { min: 1, max: 1 },
  create: (ctx, p) => new TwapLogic(ctx, p),
});
