// Closing a position in part or at a price: the order the Close dialog sends (the position's
// closing order, with the size and, for a limit, the price given) and what it checks first. Pure.
import { closingOrder } from "../client/index.ts";
import type { NewOrder } from "../client/rest.ts";
import { checkPx, checkSz, type Rules, sizeForShare } from "../client/rules.ts";
import type { Position } from "../client/types.ts";

export interface CloseInput {
  /** How much of the position to close. */
  size: string;
  type: "market" | "limit";
  /** The limit price (ignored at market). */
  px: string;
}

/** What is wrong, by field (size, px); empty when it may be sent. */
export function checkClose(i: CloseInput, held: number, r: Rules): Record<string, string> {
  const errors: Record<string, string> = {};
  const sizeBad = i.size.trim() === "" ? "required" : checkSz(i.size, r);
  if (sizeBad) errors.size = sizeBad;
  else if (Number(i.size) > held + r.lotSz / 2) errors.size = `more than the position holds (${held})`;
  if (i.type === "limit") {
    const pxBad = i.px.trim() === "" ? "required" : checkPx(i.px, r);
    if (pxBad) errors.px = pxBad;
  }
  return errors;
}

/** The closing order for that much of the position, at market or at the limit price. */
export function closeOrder(p: Position, i: CloseInput): NewOrder {
  const base = closingOrder(p);
  return {
    ...base,
    sz: i.size.trim(),
    ...(i.type === "limit" ? { ordType: "limit" as const, px: i.px.trim() } : {}),
  } as NewOrder;
}

/** A share (0..1] of the position's size, down to the lot (all of it: its exact size). */
export function closeShare(p: Position, share: number, r: Rules): string {
  const held = closingOrder(p).sz;
  return share >= 1 ? held : sizeForShare(share, "sell", Number(held), 0, r);
}
