// What the chart draws of a position: a line at its entry (its average price, "Long 0.01"), one
// at its liquidation price when the exchange gives one, and one at each stop loss and take profit
// that guards it (a stop strategy's prices, "SL 5", "TP 5").
import type { Position } from "../client/types.ts";
import type { Guard } from "./protect.ts";

/** A line at a price, with its label. */
export interface PriceMark {
  price: number;
  title: string;
}

/** A position's lines: its entry at its average price ("Long 0.01"), and its liquidation price when it has one. */
export function positionMarks(p: Position): Array<PriceMark & { kind: "entry" | "liq" }> {
  const pos = Number(p.pos);
  if (!pos || !(Number(p.avgPx) > 0)) return [];
  const long = p.posSide === "long" || (p.posSide !== "short" && pos > 0);
  const entry = {
    kind: "entry" as const,
    price: Number(p.avgPx),
    title: `${long ? "Long" : "Short"} ${Math.abs(pos)}`,
  };
  return Number(p.liqPx) > 0 ? [entry, { kind: "liq", price: Number(p.liqPx), title: "Liq." }] : [entry];
}

/** A stop strategy's lines: its stop loss and its take profit, each labelled with the size it trades. */
export function guardMarks(g: Guard): Array<PriceMark & { kind: "sl" | "tp" }> {
  const out: Array<PriceMark & { kind: "sl" | "tp" }> = [];
  if (g.stopPx !== undefined)
    out.push({
      kind: "sl",
      price: g.stopPx,
      title: `SL ${g.size}${g.trailPct !== undefined ? ` trail ${g.trailPct}%` : ""}`,
    });
  if (g.takeProfitPx !== undefined) out.push({ kind: "tp", price: g.takeProfitPx, title: `TP ${g.size}` });
  return out;
}
