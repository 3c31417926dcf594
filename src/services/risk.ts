// Pre-trade risk checks: pure rules over the order, the limits and what is open right now.

import type { InstrumentSpec } from "../domain/instruments.ts";
import type { OrderRequest } from "../domain/orders.ts";

export interface RiskLimits {
  instruments: ReadonlySet<string>;
  maxNotional: number;
  maxOpenOrders: number;
  ordersPerSecond: number;
}

export interface RiskContext {
  killSwitch: boolean;
  openOrders: number;
  /** Orders this user placed in the last second (including this one). */
  userRate: number;
  spec: InstrumentSpec | undefined;
  /** Price to value a market order at (last trade or best opposite quote). */
  refPx: number | undefined;
}

export interface Refusal {
  code: string;
  field?: string;
  message: string;
}

/** null when the order may go; otherwise why not. The notional limit is on what an order may add. */
export function checkOrder(o: OrderRequest, limits: RiskLimits, ctx: RiskContext): Refusal | null {
  if (ctx.killSwitch) return { code: "kill_switch", message: "the kill switch is on: no new orders" };
  if (!limits.instruments.has(o.instId))
    return { code: "instrument_not_allowed", field: "instId", message: `${o.instId} is not an allowed instrument` };
  const spec = ctx.spec;
  if (!spec) return { code: "unknown_instrument", field: "instId", message: `no instrument data for ${o.instId} yet` };
  const sz = Number(o.sz);
  if (sz < spec.minSz) return { code: "size_too_small", field: "sz", message: `sz below the minimum ${spec.minSz}` };
  if (!onStep(sz, spec.lotSz))
    return { code: "bad_lot", field: "sz", message: `sz must be a multiple of ${spec.lotSz}` };
  if (o.px !== undefined && !onStep(Number(o.px), spec.tickSz))
    return { code: "bad_tick", field: "px", message: `px must be a multiple of ${spec.tickSz}` };
  const px = o.ordType === "market" ? ctx.refPx : Number(o.px);
  if (px === undefined || !Number.isFinite(px))
    return { code: "no_price", field: "px", message: `no reference price for ${o.instId} to value the order` };
  const notional = sz * spec.ctVal * px;
  // A derivative's reduce-only order can only shrink its position (the exchange refuses more), and
  // a position may have grown past the limit order by order: closing it is never refused for size.
  const closes = o.reduceOnly === true && spec.instType !== "SPOT";
  if (notional > limits.maxNotional && !closes)
    return {
      code: "notional_too_large",
      field: "sz",
      message: `notional ${round(notional)} exceeds the maximum ${limits.maxNotional}`,
    };
  if (ctx.openOrders >= limits.maxOpenOrders)
    return {
      code: "too_many_open_orders",
      message: `already ${ctx.openOrders} open orders (max ${limits.maxOpenOrders})`,
    };
  if (ctx.userRate > limits.ordersPerSecond)
    return { code: "order_rate", message: `more than ${limits.ordersPerSecond} orders per second` };
  return null;
}

function onStep(v: number, step: number): boolean {
  if (!(step > 0)) return true;
  const q = v / step;
  return Math.abs(q - Math.round(q)) < 1e-7;
}

const round = (n: number) => Math.round(n * 100) / 100;
