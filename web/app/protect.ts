// A position's or a spot holding's take profit and stop loss as a `stop` strategy (held by the
// service, so it fires with the page closed): what it guards, what the TP/SL dialog checks before
// it creates one, the strategy it creates, and the ones that guard an instrument now. Pure.
import { closingOrder } from "../client/index.ts";
import type { NewStrategy, StrategyView } from "../client/rest.ts";
import { checkPx, checkSz, type Rules, stepDecimals } from "../client/rules.ts";
import type { Position } from "../client/types.ts";

/** What a TP/SL guards: a derivatives position (closed reduce-only) or a spot holding (sold). */
export interface Guarded {
  instId: string;
  /** The closing side: a long or a holding is sold, a short bought. */
  side: "buy" | "sell";
  /** All of it: what the size starts at. */
  size: string;
  /** Its average entry price, for the PnL at a trigger (unknown for a holding). */
  entry?: number;
  /** A price to check against until the instrument's first ticker. */
  markPx?: string;
  /** In words: "long position", "short position", "BTC holding". */
  what: string;
  spot: boolean;
}

export function guardedPosition(p: Position): Guarded {
  const { side, sz } = closingOrder(p);
  return {
    instId: p.instId,
    side,
    size: sz,
    entry: Number(p.avgPx),
    markPx: p.markPx,
    what: `${side === "sell" ? "long" : "short"} position`,
    spot: false,
  };
}

/**
 * A spot holding of `ccy` sold on `instId` (its spot pair): what is available, down to the lot;
 * null when that is under the minimum size.
 */
export function guardedHolding(ccy: string, availBal: string, instId: string, r: Rules): Guarded | null {
  const lots = Math.floor(Number(availBal) / r.lotSz + 1e-9);
  const size = lots * r.lotSz;
  if (!(size >= r.minSz) || !(size > 0)) return null;
  return { instId, side: "sell", size: size.toFixed(stepDecimals(r.lotSz)), what: `${ccy} holding`, spot: true };
}

export interface ProtectInput {
  /** The closing side: a long is sold, a short bought. */
  side: "buy" | "sell";
  /** The last price the triggers are checked against. */
  last: number;
  stopPx: string;
  takeProfitPx: string;
  /** A trailing stop's distance behind the best price (percent); empty: a stop that stays put. */
  trailPct: string;
  size: string;
  /** A position's guard whose size follows the position until it fires (the stop's entirePosition). */
  entire?: boolean;
  /**
   * A limit order's TP/SL (the stop's entryPx): the stop places the order at this price and guards
   * what it fills; the triggers are checked against it instead of the last price.
   */
  entryPx?: string;
}

/** A trailing stop's distance: a percent from 0.01 to 50 (the stop kind's bounds). */
const TRAIL_MIN = 0.01;
const TRAIL_MAX = 50;

/** What is wrong, by field (stopPx, takeProfitPx, trailPct, size); empty when it may be sent. */
export function checkProtect(i: ProtectInput, r: Rules): Record<string, string> {
  const errors: Record<string, string> = {};
  const sell = i.side === "sell";
  const stop = i.stopPx.trim();
  const take = i.takeProfitPx.trim();
  const entry = i.entryPx === undefined ? null : Number(i.entryPx);
  const ref = entry ?? i.last;
  const refName = entry === null ? "the last price" : "the entry price";
  const stopBad = checkPx(stop, r);
  if (stopBad) errors.stopPx = stopBad;
  else if (stop && ref > 0 && (sell ? Number(stop) >= ref : Number(stop) <= ref))
    errors.stopPx = `a stop for a ${sell ? "long" : "short"} is ${sell ? "under" : "over"} ${refName} ${ref}`;
  const takeBad = checkPx(take, r);
  if (takeBad) errors.takeProfitPx = takeBad;
  else if (take && ref > 0 && (sell ? Number(take) <= ref : Number(take) >= ref))
    errors.takeProfitPx = `a take profit for a ${sell ? "long" : "short"} is ${sell ? "over" : "under"} ${refName} ${ref}`;
  const trail = i.trailPct.trim();
  if (trail && !(Number(trail) >= TRAIL_MIN && Number(trail) <= TRAIL_MAX))
    errors.trailPct = `a percent from ${TRAIL_MIN} to ${TRAIL_MAX}`;
  if (!stop && !take && !trail) errors.stopPx = "set a stop loss, a take profit or a trailing stop";
  const sizeBad = i.size.trim() === "" ? "required" : checkSz(i.size, r);
  if (sizeBad) errors.size = sizeBad;
  return errors;
}

/**
 * A stop strategy's limits: it may trade the size and nothing more (maxPosition), at up to three
 * times the value at the last price (a gap through the stop must not be refused).
 */
export function protectLimits(
  size: number,
  ctVal: number,
  last: number,
): { maxPosition: number; maxOrderNotional: number } {
  return { maxPosition: size, maxOrderNotional: Math.ceil(size * ctVal * last * 3) || 10_000 };
}

/** The stop strategy for a position or a holding. */
export function protectStrategy(instId: string, i: ProtectInput, ctVal: number): NewStrategy {
  const size = Number(i.size);
  return {
    name: `TP/SL ${instId}`,
    kind: "stop",
    instruments: [instId],
    params: {
      side: i.side,
      size,
      ...(i.stopPx.trim() ? { stopPx: Number(i.stopPx) } : {}),
      ...(i.takeProfitPx.trim() ? { takeProfitPx: Number(i.takeProfitPx) } : {}),
      ...(i.trailPct.trim() ? { trailPct: Number(i.trailPct) } : {}),
      ...(i.entire ? { entirePosition: true } : {}),
      ...(i.entryPx !== undefined ? { entryPx: Number(i.entryPx) } : {}),
    },
    limits: protectLimits(size, ctVal, Math.max(i.last, Number(i.entryPx ?? 0))),
  };
}

/**
 * Where a trailing stop starts: `pct` behind the last price on the tick grid (a long's under it,
 * rounded down; a short's over it, rounded up, as the stop kind does), or at the stop given when
 * that is nearer the market; null without a usable percent or last.
 */
export function trailStart(
  side: "buy" | "sell",
  last: number,
  pct: string,
  stopPx: string,
  tickSz: number,
): number | null {
  const t = Number(pct);
  if (pct.trim() === "" || !(t >= TRAIL_MIN && t <= TRAIL_MAX) || !(last > 0)) return null;
  const raw = (last * (side === "sell" ? 1 - t / 100 : 1 + t / 100)) / tickSz;
  const at = (side === "sell" ? Math.floor(raw + 1e-9) : Math.ceil(raw - 1e-9)) * tickSz;
  const stop = Number(stopPx);
  if (stopPx.trim() === "" || !(stop > 0)) return at;
  return side === "sell" ? Math.max(at, stop) : Math.min(at, stop);
}

/**
 * What closing at `px` would mean: how far it is from the last price (percent) and the PnL of the
 * size closed there against the position's entry (contracts times their value for derivatives).
 * Null for a price that is not a positive number.
 */
export function outcomeAt(
  px: string,
  p: { side: "buy" | "sell"; last: number; avgPx: number; size: number; ctVal: number },
): { pct: number; pnl: number } | null {
  const at = Number(px);
  if (px.trim() === "" || !(at > 0) || !(p.last > 0)) return null;
  const long = p.side === "sell"; // a long is closed by selling
  return {
    pct: ((at - p.last) / p.last) * 100,
    pnl: (long ? at - p.avgPx : p.avgPx - at) * p.size * p.ctVal,
  };
}

/**
 * An outcome's PnL in words in its quote currency ("PnL -7.40 USDT"); null when not known, or for
 * OKX's USD-quoted inverse contracts (BTC-USD-SWAP), whose PnL is not linear in the price.
 */
export function pnlText(o: { pnl: number } | null, instId: string): string | null {
  const quote = instId.split("-")[1] ?? "";
  return o && quote !== "USD" && Number.isFinite(o.pnl) ? `PnL ${o.pnl.toFixed(2)} ${quote}` : null;
}

/** A stop strategy that guards an instrument now (starting or running). */
export interface Guard {
  id: string;
  instId: string;
  /** The side it trades when it fires: sell guards a long, buy a short. */
  side: "buy" | "sell";
  stopPx?: number;
  takeProfitPx?: number;
  /** A trailing stop: `stopPx` follows the market this far behind (percent). */
  trailPct?: number;
  size: number;
  /** Its size follows the position until it fires. */
  entire?: boolean;
  /** Its entry is under way: nothing of it has filled yet (the stop's entryPx). */
  entryPx?: number;
}

/**
 * A guard's prices in a few characters: "SL 42000 · TP 45000", "SL 42000 trail 1%"; with what the
 * position holds, when the guard trades another size: "SL 42000 · 2 of 3" (one that follows the
 * position never does).
 */
export function guardText(g: Guard, held?: number): string {
  const sl =
    g.stopPx !== undefined || g.trailPct !== undefined
      ? ["SL", g.stopPx ?? "", g.trailPct !== undefined ? `trail ${g.trailPct}%` : ""].filter((x) => x !== "").join(" ")
      : "";
  const part =
    !g.entire && g.entryPx === undefined && held !== undefined && Math.abs(g.size - held) > 1e-9
      ? `${g.size} of ${held}`
      : "";
  const tp = g.takeProfitPx !== undefined ? `TP ${g.takeProfitPx}` : "";
  const entry = g.entryPx !== undefined ? `on entry ${g.size} at ${g.entryPx}` : "";
  return [sl, tp, part, entry].filter(Boolean).join(" · ");
}

const ARMED = new Set(["starting", "running"]);

/** The stops that guard an instrument now, oldest first. */
export function guardsOf(list: readonly StrategyView[]): Guard[] {
  return list
    .filter((v) => v.kind === "stop" && ARMED.has(v.state))
    .map((v) => {
      const p = v.params as Omit<Guard, "id" | "instId" | "entire"> & { entirePosition?: boolean };
      return {
        id: v.id,
        instId: v.instruments[0] ?? "",
        side: p.side,
        size: p.size,
        ...(p.stopPx !== undefined ? { stopPx: p.stopPx } : {}),
        ...(p.takeProfitPx !== undefined ? { takeProfitPx: p.takeProfitPx } : {}),
        ...(p.trailPct !== undefined ? { trailPct: p.trailPct } : {}),
        ...(p.entirePosition ? { entire: true } : {}),
        ...(p.entryPx !== undefined ? { entryPx: p.entryPx } : {}),
      };
    });
}
