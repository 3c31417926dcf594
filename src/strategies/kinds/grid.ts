// Grid: resting buys below and sells above a centre price on a fixed lattice; each filled order
// is replaced by the opposite order one level away, so the grid earns the spacing on every
// round trip while the price oscillates.
import { z } from "zod";
import type { Order, Ticker } from "../../domain/events.ts";
import { defineKind, type InstrumentSpec, type StrategyContext } from "../kind.ts";
import { fmtStep, onStep } from "./steps.ts";

const params = z
  .object({
    levels: z.number().int().min(1).max(50).default(5).describe("orders on each side of the centre"),
    spacingPct: z
      .number()
      .positive()
      .max(50)
      .default(0.1)
      .describe("distance between two levels, in percent of the centre price"),
    size: z
      .number()
      .positive()
      .describe("size of each order (base currency; contracts for swaps); applied live to orders placed from then on"),
    center: z.number().positive().optional().describe("centre price; default: the mid price when the strategy starts"),
  })
  .strict();
export type GridParams = z.infer<typeof params>;

/** Price of lattice level `i` (0 = centre), on the tick grid: buys rounded down, sells up. */
export function levelPrice(center: number, spacingPct: number, i: number, side: "buy" | "sell", tick: number): number {
  return onStep(center * (1 + (i * spacingPct) / 100), tick, side === "buy" ? "down" : "up");
}

/** The order that replaces a filled one: a buy filled at level i is followed by a sell at i + 1, and the reverse. */
export function counterOrder(side: "buy" | "sell", level: number): { side: "buy" | "sell"; level: number } {
  return side === "buy" ? { side: "sell", level: level + 1 } : { side: "buy", level: level - 1 };
}

/** The first orders: `levels` buys under the centre and as many sells above it. */
export function initialLevels(levels: number): Array<{ side: "buy" | "sell"; level: number }> {
  const out: Array<{ side: "buy" | "sell"; level: number }> = [];
  for (let i = 1; i <= levels; i++) out.push({ side: "buy", level: -i }, { side: "sell", level: i });
  return out;
}

interface Resting {
  side: "buy" | "sell";
  level: number;
}

export class GridLogic {
  private center: number | undefined;
  /** clOrdId -> where it rests; and the level each occupies (one order per level). */
  private readonly orders = new Map<string, Resting>();
  private readonly taken = new Map<number, string>();
  private laid = false;

  constructor(
    private readonly ctx: StrategyContext,
    private p: GridParams,
  ) {
    this.center = p.center;
  }

  private get instId(): string {
    return this.ctx.instruments[0]!;
  }

  onStart(): void {
    const t = this.ctx.ticker(this.instId);
    if (t) this.onTicker(t);
    else this.ctx.log(`waiting for a ${this.instId} ticker to lay the grid`);
  }

  onTicker(t: Ticker): void {
    if (this.laid) return;
    const bid = Number(t.bidPx);
    const ask = Number(t.askPx);
    if (!(bid > 0 && ask > 0)) return;
    const rules = this.ctx.rules(this.instId);
    if (!rules) return void this.ctx.log(`no instrument rules for ${this.instId} yet`, "warn");
    this.laid = true;
    this.center ??= (bid + ask) / 2;
    // The mid of bid and ask, written without binary floating-point noise (43050.649999999994).
    const at = Number(this.center.toPrecision(12));
    this.ctx.log(`laying ${this.p.levels} levels each side of ${at} every ${this.p.spacingPct}%`);
    for (const l of initialLevels(this.p.levels)) this.rest(l.side, l.level, rules, bid, ask);
  }

  onOrder(o: Order): void {
    const r = this.orders.get(o.clOrdId);
    if (!r) return;
    if (o.state === "filled") {
      this.free(o.clOrdId);
      const next = counterOrder(r.side, r.level);
      const rules = this.ctx.rules(this.instId);
      const t = this.ctx.ticker(this.instId);
      if (rules) this.rest(next.side, next.level, rules, Number(t?.bidPx ?? 0), Number(t?.askPx ?? 0));
    } else if (o.state === "canceled" || o.state === "mmp_canceled" || o.state === "rejected") {
      this.free(o.clOrdId);
      this.ctx.log(`${r.side} at level ${r.level} ${o.state} by the exchange; the level stays empty`, "warn");
    }
  }

  onParams(p: Record<string, unknown>): void {
    this.p = { ...this.p, size: Number(p.size) };
    this.ctx.log(`size is now ${this.p.size} for new orders`);
  }

  /** Places one order at a level unless it is taken, outside the grid, or would cross the touch. */
  private rest(side: "buy" | "sell", level: number, rules: InstrumentSpec, bid: number, ask: number): void {
    if (this.center === undefined || Math.abs(level) > this.p.levels || this.taken.has(level)) return;
    const px = levelPrice(this.center, this.p.spacingPct, level, side, rules.tickSz);
    if (!(px > 0)) return;
    if ((side === "buy" && ask > 0 && px >= ask) || (side === "sell" && bid > 0 && px <= bid))
      return void this.ctx.log(
        `level ${level} (${side} ${fmtStep(px, rules.tickSz)}) would cross the touch ${bid}/${ask}: left empty`,
        "warn",
      );
    const sz = onStep(this.p.size, rules.lotSz, "down");
    if (sz < rules.minSz || sz <= 0)
      return void this.ctx.log(`size ${this.p.size} is below the minimum ${rules.minSz}`, "error");
    const pending = this.ctx.place({
      instId: this.instId,
      side,
      ordType: "limit",
      px: fmtStep(px, rules.tickSz),
      sz: fmtStep(sz, rules.lotSz),
    });
    this.orders.set(pending.clOrdId, { side, level });
    this.taken.set(level, pending.clOrdId);
    void pending.answer.then((a) => {
      if (a.ok) return;
      this.free(a.clOrdId);
      this.ctx.log(`${side} at level ${level} refused: ${a.code} ${a.message}`, "warn");
    });
  }

  private free(clOrdId: string): void {
    const r = this.orders.get(clOrdId);
    if (!r) return;
    this.orders.delete(clOrdId);
    if (this.taken.get(r.level) === clOrdId) this.taken.delete(r.level);
  }

  /** Levels with a resting order (tests, logs). */
  resting(): Array<{ side: "buy" | "sell"; level: number; clOrdId: string }> {
    return [...this.orders].map(([clOrdId, r]) => ({ ...r, clOrdId })).sort((a, b) => a.level - b.level);
  }
}

export default defineKind({
  name: "grid",
  title: "Grid",
  description:
    "Resting limit buys below and sells above a centre price, `spacingPct` apart; a filled buy is replaced by a sell one level up and a filled sell by a buy one level down. One instrument. Only `size` applies while running; the other params when stopped.",
  params,
  liveParams: ["size"],
  instruments: { min: 1, max: 1 },
  create: (ctx, p) => new GridLogic(ctx, p),
});
