// A position's take profit and stop loss as a `stop` strategy (held by the service, so it fires
// with the page closed): what the TP/SL dialog checks before it creates one, the strategy it
// creates, and the ones that guard a position now. Pure.
import type { NewStrategy, StrategyView } from "../client/rest.ts";
import { checkPx, checkSz, type Rules } from "../client/rules.ts";

export interface ProtectInput {
  /** The closing side: a long is sold, a short bought. */
  side: "buy" | "sell";
  /** The last price the triggers are checked against. */
  last: number;
  stopPx: string;
  takeProfitPx: string;
  size: string;
}

/** What is wrong, by field (stopPx, takeProfitPx, size); empty when it may be sent. */
export function checkProtect(i: ProtectInput, r: Rules): Record<string, string> {
  const errors: Record<string, string> = {};
  const sell = i.side === "sell";
  const stop = i.stopPx.trim();
  const take = i.takeProfitPx.trim();
  const stopBad = checkPx(stop, r);
  if (stopBad) errors.stopPx = stopBad;
  else if (stop && i.last > 0 && (sell ? Number(stop) >= i.last : Number(stop) <= i.last))
    errors.stopPx = `a stop for a ${sell ? "long" : "short"} is ${sell ? "under" : "over"} the last price ${i.last}`;
  const takeBad = checkPx(take, r);
  if (takeBad) errors.takeProfitPx = takeBad;
  else if (take && i.last > 0 && (sell ? Number(take) <= i.last : Number(take) >= i.last))
    errors.takeProfitPx = `a take profit for a ${sell ? "long" : "short"} is ${sell ? "over" : "under"} the last price ${i.last}`;
  if (!stop && !take) errors.stopPx = "set a stop price, a take-profit price or both";
  const sizeBad = i.size.trim() === "" ? "required" : checkSz(i.size, r);
  if (sizeBad) errors.size = sizeBad;
  return errors;
}

/**
 * The stop strategy for a position: its limits let it trade the size and nothing more (maxPosition),
 * at up to three times the value at the last price (a gap through the stop must not be refused).
 */
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
    },
    limits: { maxPosition: size, maxOrderNotional: Math.ceil(size * ctVal * i.last * 3) || 10_000 },
  };
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

/** A stop strategy that guards an instrument now (starting or running). */
export interface Guard {
  id: string;
  instId: string;
  /** The side it trades when it fires: sell guards a long, buy a short. */
  side: "buy" | "sell";
  stopPx?: number;
  takeProfitPx?: number;
  size: number;
}

const ARMED = new Set(["starting", "running"]);

/** The stops that guard an instrument now, oldest first. */
export function guardsOf(list: readonly StrategyView[]): Guard[] {
  return list
    .filter((v) => v.kind === "stop" && ARMED.has(v.state))
    .map((v) => {
      const p = v.params as { side: "buy" | "sell"; stopPx?: number; takeProfitPx?: number; size: number };
      return {
        id: v.id,
        instId: v.instruments[0] ?? "",
        side: p.side,
        size: p.size,
        ...(p.stopPx !== undefined ? { stopPx: p.stopPx } : {}),
        ...(p.takeProfitPx !== undefined ? { takeProfitPx: p.takeProfitPx } : {}),
      };
    });
}
