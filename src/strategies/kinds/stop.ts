// Stop: a stop loss and/or a take profit held by the service, so it fires with the browser closed.
// It watches the instrument's last price; when it reaches the stop (a sell at or below it, a buy
// at or above) or the take-profit price (a sell at or above, a buy at or below), it trades `size`
// with IOC limit orders at the opposite touch plus at most `maxSlippagePct`, again on each tick
// (and every half second) until all of it is done, then stops itself. On derivatives its orders
// are reduce-only by default: it closes a position, never opens or flips one, trades no more than
// the position holds, and stops itself when the position it guards is closed some other way.
//
// With `entryPx` it opens first: a limit order on the other side at that price, and the stop and
// take profit guard what it fills, as it fills (a limit order with its TP/SL attached). A trigger
// reached while it rests cancels the rest of it. Once any of it fills, the stop keeps `size` as
// what has filled and drops `entryPx` (`adjust`): a restart, which cancels a strategy's orders,
// resumes a guard of what was bought or sold, never a second entry.
//
// With `trailPct` the stop trails: it follows the best last price since it was armed, that far
// behind (a sell's stop only rises, a buy's only falls), and tells the service each new stop
// (`adjust`, at most every 2 s), so the stop a page shows and a restart starts from is the one held.
//
// It starts again by itself after a service restart (`resumes`), and a price already past a
// trigger when it starts fires it at once: a stop whose trigger was crossed while the service was
// down must still sell. The dashboard's Protect dialog
// refuses triggers on the wrong side of the market before it creates one.
import { z } from "zod";
import type { Fill, Order, Position, Ticker } from "../../domain/events.ts";
import { ENDED_STATES } from "../../domain/orders.ts";
import { defineKind, type StrategyContext } from "../kind.ts";
import { fmtStep, onStep } from "./steps.ts";
import { Trail } from "./trail.ts";
import { iocPrice } from "./twap.ts";

const params = z
  .object({
    side: z.enum(["sell", "buy"]).describe("sell to close a long (or sell a holding), buy to close a short"),
    size: z
      .number()
      .positive()
      .describe(
        "size to trade when triggered (base currency; contracts for swaps); applied live (a position grown since it was set)",
      ),
    stopPx: z
      .number()
      .positive()
      .optional()
      .describe(
        "stop loss: fires when the last price reaches it (a sell at or below, a buy at or above); applied live",
      ),
    takeProfitPx: z
      .number()
      .positive()
      .optional()
      .describe(
        "take profit: fires when the last price reaches it (a sell at or above, a buy at or below); applied live",
      ),
    trailPct: z
      .number()
      .min(0.01)
      .max(50)
      .optional()
      .describe(
        "trailing stop: the stop follows the best last price since it was armed, this far behind (percent): a sell's stop only rises, a buy's only falls; without stopPx it starts there; applied live",
      ),
    maxSlippagePct: z
      .number()
      .min(0)
      .max(10)
      .default(0.5)
      .describe("its orders cross the spread by at most this much past the touch (percent); applied live"),
    reduceOnly: z
      .boolean()
      .default(true)
      .describe("derivatives: only reduce a position, never open or flip one (spot orders ignore it)"),
    entirePosition: z
      .boolean()
      .default(false)
      .describe(
        "derivatives, reduce-only: the size follows the position it guards while armed (grown or partly closed), so it closes all of it; applied live",
      ),
    entryPx: z
      .number()
      .positive()
      .optional()
      .describe(
        "opens first: a limit order for `size` on the other side (a sell stop's entry is a buy) at this price, placed when it starts; the stop and take profit guard what it fills, as it fills; once any of it fills, `size` becomes what has filled and this is dropped (set by the stop itself)",
      ),
  })
  .strict()
  .refine((p) => p.stopPx !== undefined || p.takeProfitPx !== undefined || p.trailPct !== undefined, {
    message: "set a stop price, a take-profit price or a trailing stop",
    path: ["stopPx"],
  })
  .refine(
    (p) =>
      p.stopPx === undefined ||
      p.takeProfitPx === undefined ||
      (p.side === "sell" ? p.stopPx < p.takeProfitPx : p.stopPx > p.takeProfitPx),
    { message: "a sell's stop is below its take profit, a buy's above", path: ["takeProfitPx"] },
  )
  .refine((p) => p.entryPx === undefined || !p.entirePosition, {
    message: "a stop with an entry guards what the entry fills, not all of the position",
    path: ["entirePosition"],
  })
  .refine(
    (p) =>
      p.entryPx === undefined ||
      p.stopPx === undefined ||
      (p.side === "sell" ? p.stopPx < p.entryPx : p.stopPx > p.entryPx),
    { message: "a sell's stop is below its entry price, a buy's above", path: ["stopPx"] },
  )
  .refine(
    (p) =>
      p.entryPx === undefined ||
      p.takeProfitPx === undefined ||
      (p.side === "sell" ? p.takeProfitPx > p.entryPx : p.takeProfitPx < p.entryPx),
    { message: "a sell's take profit is above its entry price, a buy's below", path: ["takeProfitPx"] },
  );
export type StopParams = z.infer<typeof params>;

/** Which trigger the last price has reached, if any. */
export function reached(p: Pick<StopParams, "side" | "stopPx" | "takeProfitPx">, last: number): string | null {
  if (!(last > 0)) return null;
  const sell = p.side === "sell";
  if (p.stopPx !== undefined && (sell ? last <= p.stopPx : last >= p.stopPx)) return `stop ${p.stopPx}`;
  if (p.takeProfitPx !== undefined && (sell ? last >= p.takeProfitPx : last <= p.takeProfitPx))
    return `take profit ${p.takeProfitPx}`;
  return null;
}

/** How often a triggered stop tries again when no ticker comes. */
const RETRY_MS = 500;
/** Lasting refusals in a row after which a triggered stop gives up (a reduce-only with no position left, say). */
const MAX_REFUSALS = 5;
/** The least time from a refusal to the next try. */
const REFUSED_WAIT_MS = 2_000;
/**
 * Refusals that say "not now" (the exchange unreachable or rate-limiting, a store down, the
 * strategy's own order rate): a stop keeps trying through them, however long, and does not count them.
 */
const TRANSIENT = new Set([
  "exchange_unavailable",
  "rate_limited",
  "store_unavailable",
  "redis_unavailable",
  "busy",
  "unavailable",
  "strategy_order_rate",
]);
/** While refusals are transient, one log line per this long. */
const TRANSIENT_LOG_MS = 30_000;
/** An IOC ends at once: one not heard of for this long is no longer counted as in flight. */
const STALE_MS = 30_000;
/** A trailing stop tells the service its new stop at most this often. */
const ADJUST_MS = 2_000;
/** A trailing stop logs its moves at most this often. */
const TRAIL_LOG_MS = 60_000;

/** The entry (with entryPx): the limit order that opens what the stop guards, while it is under way. */
interface Entry {
  clOrdId: string | null;
  /** What it has filled, net of a fee charged in what it bought (spot). */
  filled: number;
  /** Its remainder asked to be cancelled (a trigger reached while it rests). */
  cancelling: boolean;
}

export class StopLogic {
  private trigger: string | null = null;
  private inflight: { clOrdId: string; at: number } | null = null;
  private refusals = 0;
  /** What the guarded position holds (reduce-only on a derivative), once a position update said. */
  private held: number | undefined;
  /** No order before this time (after a refusal). */
  private waitUntil = 0;
  /** When a transient refusal was last logged. */
  private loggedAt = Number.NEGATIVE_INFINITY;
  private finished = false;
  /** onStart has run: positions before it are the ones it starts with. */
  private started = false;
  /** The trail (with trailPct): moves `p.stopPx` with the market. */
  private trail: Trail | null;
  /** The stop the service holds (its params): a trailed stop that differs is told. */
  private told: number | undefined;
  private toldAt = Number.NEGATIVE_INFINITY;
  /** The size the service holds (its params): all of the position's, when it differs, is told. */
  private toldSize: number;
  private trailLoggedAt = Number.NEGATIVE_INFINITY;
  /** The entry while it is under way (with entryPx); null once it has ended, or without one. */
  private entry: Entry | null;
  /**
   * Its own closing orders, and what each has done as its fills and as its order updates say:
   * the exchange's order update (which carries the total filled) comes before the fill events,
   * so whichever says more counts, and the next order is never sized before the fill is known.
   */
  private readonly exits = new Map<string, { fills: number; fillCost: number; acc: number; accCost: number }>();

  constructor(
    private readonly ctx: StrategyContext,
    private p: StopParams,
  ) {
    this.trail = this.trailOf(p);
    this.told = p.stopPx;
    this.toldSize = p.size;
    this.entry = p.entryPx === undefined ? null : { clOrdId: null, filled: 0, cancelling: false };
  }

  /** What it guards now: while the entry is under way, what the entry has filled. */
  private get guarded(): number {
    return this.entry ? this.entry.filled : this.p.size;
  }

  private trailOf(p: StopParams): Trail | null {
    return p.trailPct === undefined ? null : new Trail(p.side, p.trailPct, this.ctx.rules(this.instId)?.tickSz ?? 0);
  }

  private get instId(): string {
    return this.ctx.instruments[0]!;
  }

  /** What it waits for, in words. */
  private armed(): string {
    const sell = this.p.side === "sell";
    const trailing = this.trail ? `trailing ${this.trail.pct}% ${sell ? "under the high" : "over the low"}` : "";
    const legs = [
      this.p.stopPx !== undefined ? `stop ${sell ? "<=" : ">="} ${this.p.stopPx}${trailing && `, ${trailing}`}` : "",
      this.p.stopPx === undefined && trailing ? `a stop ${trailing}` : "",
      this.p.takeProfitPx !== undefined ? `take profit ${sell ? ">=" : "<="} ${this.p.takeProfitPx}` : "",
    ].filter(Boolean);
    const size = this.p.entirePosition ? `all of the position (${this.p.size})` : this.p.size;
    return `${this.p.side} ${size} ${this.instId} at ${legs.join(" or ")}`;
  }

  onStart(): void {
    this.started = true;
    if (this.finished) return; // the position it guards was closed before it started (a restart)
    if (this.entry) this.placeEntry();
    else this.ctx.log(`armed: ${this.armed()}`);
    this.ctx.every(RETRY_MS, () => {
      this.check(this.ctx.ticker(this.instId));
      this.tell();
    });
    this.check(this.ctx.ticker(this.instId));
  }

  onTicker(t: Ticker): void {
    this.check(t);
  }

  onFill(f: Fill): void {
    const x = this.exits.get(f.clOrdId);
    if (!x) return; // the entry's, or an earlier run's
    x.fills += Number(f.fillSz);
    x.fillCost += Number(f.fillSz) * Number(f.fillPx);
  }

  onOrder(o: Order): void {
    if (this.entry && o.clOrdId === this.entry.clOrdId) return this.onEntry(o);
    const x = this.exits.get(o.clOrdId);
    const acc = Number(o.accFillSz) || 0;
    if (x && acc > x.acc) [x.acc, x.accCost] = [acc, acc * (Number(o.avgPx) || 0)];
    if (this.inflight?.clOrdId !== o.clOrdId) return;
    if (ENDED_STATES.has(o.state)) {
      this.inflight = null;
      this.check(this.ctx.ticker(this.instId));
    }
  }

  /**
   * The account's position changed: what may be reduced; closed some other way before it fired,
   * nothing is left to guard. Before onStart it is the position it starts with: one on the other
   * side is left alone there (the order that flips it may be on its way), a flat one (given only
   * to a stop resumed after a restart) ends it.
   */
  onPosition(p: Position): void {
    const rules = this.ctx.rules(this.instId);
    if (this.finished || !this.p.reduceOnly || !rules || rules.instType === "SPOT") return;
    if (p.instId !== this.instId || (p.posSide !== "net" && p.posSide !== "")) return;
    const pos = Number(p.pos);
    if (!this.started && pos !== 0 && (this.p.side === "sell") !== pos > 0) return;
    this.held = (this.p.side === "sell" ? pos > 0 : pos < 0) ? Math.abs(pos) : 0;
    if (this.entry) return; // the entry under way may still open it
    if (this.held === 0 && !this.trigger) this.finish("the position it guards is closed: nothing left to protect");
    // All of it: the size follows the position until the stop fires (told to the service by tell()).
    else if (this.p.entirePosition && !this.trigger) this.p.size = this.held;
  }

  onParams(p: Record<string, unknown>): void {
    if (this.trigger) return void this.ctx.log(`already fired (${this.trigger}): new prices do not apply`, "warn");
    const num = (v: unknown) => (v === undefined ? undefined : Number(v));
    const stopPx = num(p.stopPx);
    const trailPct = num(p.trailPct);
    // A stop the user moved, or a new trail, starts the trail again from here; a change of
    // something else keeps the stop it has trailed to (which the service may not hold yet).
    const restart = stopPx !== this.told || trailPct !== this.p.trailPct;
    if (this.entry && Number(p.size) !== this.p.size && Number(p.size) !== this.toldSize)
      this.ctx.log(`the entry is under way: it guards what the entry fills (placed for ${this.p.size})`, "warn");
    this.p = {
      ...this.p,
      stopPx: restart ? stopPx : this.p.stopPx,
      takeProfitPx: num(p.takeProfitPx),
      trailPct,
      maxSlippagePct: Number(p.maxSlippagePct),
      // While the entry is under way it is what the entry was placed for.
      size: this.entry
        ? this.p.size
        : p.entirePosition === true && this.held !== undefined && this.held > 0
          ? this.held
          : Number(p.size),
      entirePosition: p.entirePosition === true,
    };
    this.told = stopPx;
    this.toldSize = Number(p.size);
    if (restart) this.trail = this.trailOf(this.p);
    this.ctx.log(`re-armed: ${this.armed()}, slippage ${this.p.maxSlippagePct}%`);
    this.check(this.ctx.ticker(this.instId));
  }

  private check(t: Ticker | undefined): void {
    if (this.finished) return;
    if (!this.trigger) {
      if (this.entry && this.entry.filled <= 0) return; // nothing to guard yet
      if (this.trail && t) this.p.stopPx = this.trail.follow(Number(t.last), this.p.stopPx);
      const hit = t ? reached(this.p, Number(t.last)) : null;
      if (!hit) return;
      this.trigger = hit;
      this.ctx.log(`${hit} reached at ${t?.last}: ${this.p.side === "sell" ? "selling" : "buying"} ${this.guarded}`);
    }
    if (this.entry && !this.entry.cancelling && this.entry.clOrdId) {
      // Fired while the entry rests: no more of it.
      this.entry.cancelling = true;
      void this.ctx.cancel(this.instId, this.entry.clOrdId);
    }
    this.send(t);
  }

  /** What its closing orders have filled, and at what cost. */
  private get done(): { filled: number; cost: number } {
    let filled = 0;
    let cost = 0;
    for (const x of this.exits.values()) {
      const byFills = x.fills >= x.acc;
      filled += byFills ? x.fills : x.acc;
      cost += byFills ? x.fillCost : x.accCost;
    }
    return { filled, cost };
  }

  private send(t: Ticker | undefined): void {
    const now = this.ctx.now();
    if (this.inflight && now - this.inflight.at > STALE_MS) {
      this.ctx.log(`no end heard for ${this.inflight.clOrdId} in ${STALE_MS / 1000} s: trying again`, "warn");
      this.inflight = null;
    }
    if (this.inflight || now < this.waitUntil) return;
    const rules = this.ctx.rules(this.instId);
    if (!rules) return;
    // Reduce-only: no more than the position holds (an order over it would be refused).
    const { filled, cost } = this.done;
    const want = Math.min(this.guarded - filled, this.held ?? Number.POSITIVE_INFINITY);
    const left = onStep(want, rules.lotSz, "down");
    if (left < rules.minSz || left <= 0) {
      if (this.entry) return; // its remainder is being cancelled: what it filled meanwhile is sold too
      const avg = filled > 0 ? cost / filled : 0;
      const done = `${this.p.side === "sell" ? "sold" : "bought"} ${Number(fmtStep(filled, rules.lotSz))} ${this.instId}`;
      const closed = this.held === 0 && filled < this.p.size - rules.lotSz / 2 ? "; the position is closed" : "";
      return this.finish(
        `${this.trigger}: ${done}${avg > 0 ? ` at ${Number(fmtStep(avg, rules.tickSz / 100))} on average` : ""}${closed}`,
      );
    }
    const touch = Number(this.p.side === "buy" ? t?.askPx : t?.bidPx);
    const px = iocPrice(this.p.side, touch, this.p.maxSlippagePct, rules.tickSz);
    if (px === null) return;
    const pending = this.ctx.place({
      instId: this.instId,
      side: this.p.side,
      ordType: "ioc",
      px: fmtStep(px, rules.tickSz),
      sz: fmtStep(left, rules.lotSz),
      ...(this.p.reduceOnly && rules.instType !== "SPOT" ? { reduceOnly: true } : {}),
    });
    this.exits.set(pending.clOrdId, { fills: 0, fillCost: 0, acc: 0, accCost: 0 });
    this.inflight = { clOrdId: pending.clOrdId, at: now };
    void pending.answer.then((a) => {
      if (a.ok) {
        this.refusals = 0;
        return;
      }
      if (this.inflight?.clOrdId === a.clOrdId) this.inflight = null;
      const at = this.ctx.now();
      this.waitUntil = at + REFUSED_WAIT_MS;
      const said = `order for ${fmtStep(left, rules.lotSz)} refused: ${a.code} ${a.message}`;
      if (TRANSIENT.has(a.code)) {
        if (at - this.loggedAt >= TRANSIENT_LOG_MS) {
          this.loggedAt = at;
          this.ctx.log(`${said} (trying again every 2 s)`, "warn");
        }
        return;
      }
      this.refusals++;
      this.ctx.log(said, "warn");
      if (this.refusals >= MAX_REFUSALS)
        this.finish(`${this.trigger}: gave up after ${MAX_REFUSALS} refusals in a row (last: ${a.code} ${a.message})`);
    });
  }

  /** Places the entry: a limit order on the other side for `size`; refused, the stop ends. */
  private placeEntry(): void {
    const rules = this.ctx.rules(this.instId);
    const entryPx = this.p.entryPx;
    if (!rules || entryPx === undefined) return this.finish("the instrument's rules are not known: no entry placed");
    const side = this.p.side === "sell" ? "buy" : "sell";
    const px = fmtStep(entryPx, rules.tickSz);
    const sz = fmtStep(this.p.size, rules.lotSz);
    const pending = this.ctx.place({ instId: this.instId, side, ordType: "limit", px, sz });
    this.entry!.clOrdId = pending.clOrdId;
    this.ctx.log(`entry: ${side} ${sz} ${this.instId} at ${px}; what it fills is guarded: ${this.armed()}`);
    void pending.answer.then((a) => {
      if (!a.ok && this.entry?.clOrdId === a.clOrdId)
        this.endEntry(`the entry order was refused: ${a.code} ${a.message}`);
    });
  }

  /** An update of the entry order: what it has filled is guarded; once it ends, all of that. */
  private onEntry(o: Order): void {
    const e = this.entry!;
    // A fee taken from what it bought (spot) is not there to sell.
    const fee = o.feeCcy !== "" && o.feeCcy === this.instId.split("-")[0] ? Number(o.fee) || 0 : 0;
    const rules = this.ctx.rules(this.instId);
    const net = Number(o.accFillSz) + Math.min(fee, 0);
    const filled = rules ? onStep(net, rules.lotSz, "down") : net;
    if (filled > e.filled) {
      if (e.filled <= 0) this.ctx.log(`entry filling (${o.accFillSz} at ${o.avgPx}): armed`);
      e.filled = filled;
      // Held again once the position says so: its update may come after the order's.
      this.held = undefined;
      // Kept: a restart (which cancels the rest of the entry) resumes a guard of what has filled.
      this.toldSize = filled;
      this.ctx.adjust({ size: filled, entryPx: undefined });
    }
    if (ENDED_STATES.has(o.state)) this.endEntry(`the entry order was ${o.state}`);
    else this.check(this.ctx.ticker(this.instId));
  }

  private endEntry(how: string): void {
    const e = this.entry;
    if (!e) return;
    this.entry = null;
    const rules = this.ctx.rules(this.instId);
    if (!(e.filled > 0) || (rules && e.filled < rules.minSz - 1e-12))
      return this.finish(`${how}: nothing filled, nothing to protect`);
    this.p.size = this.toldSize = e.filled;
    this.p.entryPx = undefined;
    this.ctx.adjust({ size: e.filled, entryPx: undefined });
    if (!this.trigger) this.ctx.log(`${how}: ${this.armed()}`);
    this.check(this.ctx.ticker(this.instId));
  }

  /**
   * A trailed stop, or the size of all of the position, that the service does not hold yet is told
   * (at most every ADJUST_MS); a trailed stop is logged now and then.
   */
  private tell(): void {
    if (this.trigger || this.finished) return;
    const stopPx = this.p.stopPx;
    const trailed = this.trail !== null && stopPx !== undefined && stopPx !== this.told;
    const resized = this.p.entirePosition && this.p.size !== this.toldSize;
    if (!trailed && !resized) return;
    const now = this.ctx.now();
    if (now - this.toldAt < ADJUST_MS) return;
    this.ctx.adjust({ ...(trailed ? { stopPx } : {}), ...(resized ? { size: this.p.size } : {}) });
    if (resized) {
      this.ctx.log(`all of the position: size ${this.p.size}`);
      this.toldSize = this.p.size;
    }
    if (trailed && this.trail) {
      if (now - this.trailLoggedAt >= TRAIL_LOG_MS) {
        this.trailLoggedAt = now;
        const moved = this.told === undefined ? "set" : this.p.side === "sell" ? "raised" : "lowered";
        this.ctx.log(`trailing ${this.trail.pct}%: stop ${moved} to ${stopPx}`);
      }
      this.told = stopPx;
    }
    this.toldAt = now;
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.log(reason);
    this.ctx.finish(reason);
  }
}

export default defineKind({
  name: "stop",
  title: "Stop loss / take profit",
  description:
    "Held by the service: when the last price reaches `stopPx` (a sell at or below it, a buy at or above) or `takeProfitPx` (the other way), trades `size` with IOC limit orders at the opposite touch plus at most `maxSlippagePct` until it is done, then stops itself. With `trailPct` the stop trails the best last price since it was armed, that far behind (a sell's stop only rises, a buy's only falls); each new stop is kept as its `stopPx`. Reduce-only on derivatives by default: then it trades no more than the position holds, and stops itself when the position is closed some other way; with `entirePosition` its size follows the position until it fires. With `entryPx` it first places a limit order on the other side for `size` at that price and guards what it fills (a limit order with its TP/SL attached). The prices, the trail, the slippage and the size apply while running (until it fires). Starts again by itself after a service restart.",
  params,
  liveParams: ["stopPx", "takeProfitPx", "trailPct", "maxSlippagePct", "size", "entirePosition"],
  ownParams: ["entryPx"],
  instruments: { min: 1, max: 1 },
  resumes: true,
  positions: true,
  create: (ctx, p) => new StopLogic(ctx, p),
});
