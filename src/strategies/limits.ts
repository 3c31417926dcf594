// A strategy's own risk limits, checked on the main thread for each of its orders after the
// service-wide checks (kill switch, instruments, tick/lot, notional, open orders). Pure.
import type { StrategyLimits } from "./model.ts";

export interface LimitRefusal {
  code: "strategy_max_position" | "strategy_max_notional" | "strategy_order_rate";
  field?: string;
  message: string;
}

export interface LimitContext {
  /** Position if every open order on the order's side filled, before this order. */
  exposure: number;
  /** Orders this strategy sent in the last second, this one included. */
  rate: number;
  ctVal: number;
  /** Price to value the order at (its limit price, else the last price). */
  px: number | undefined;
  /**
   * A derivative's reduce-only order: it can only shrink the account's position (the exchange
   * refuses more), so neither the position nor the notional limit holds it back (a guard closing a
   * position grown since it was set); the order rate still does.
   */
  closes?: boolean;
}

/** null when the order is within the strategy's limits; otherwise which one it breaks. */
export function checkLimits(
  o: { side: "buy" | "sell"; sz: string },
  limits: StrategyLimits,
  ctx: LimitContext,
): LimitRefusal | null {
  if (ctx.rate > limits.maxOrdersPerSecond)
    return {
      code: "strategy_order_rate",
      message: `more than ${limits.maxOrdersPerSecond} orders per second for this strategy`,
    };
  if (ctx.closes) return null;
  const sz = Number(o.sz);
  if (ctx.px !== undefined) {
    const notional = sz * ctx.ctVal * ctx.px;
    if (notional > limits.maxOrderNotional)
      return {
        code: "strategy_max_notional",
        field: "sz",
        message: `notional ${Math.round(notional * 100) / 100} exceeds the strategy's maximum ${limits.maxOrderNotional}`,
      };
  }
  const after = ctx.exposure + (o.side === "buy" ? sz : -sz);
  // An order that brings the exposure back toward the limit always may go (a limit lowered while positioned).
  if (Math.abs(after) > limits.maxPosition + 1e-12 && Math.abs(after) > Math.abs(ctx.exposure))
    return {
      code: "strategy_max_position",
      field: "sz",
      message: `position could reach ${Math.round(after * 1e8) / 1e8}, beyond the strategy's maximum ${limits.maxPosition}`,
    };
  return null;
}
