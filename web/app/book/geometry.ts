// Where the order book canvas puts its lines: rows as tall as a table row's, the spread between
// the asks (top) and the bids; the page maps a click to a line with the same numbers.

/** Heights in CSS pixels: a level's row (as a table row: 2 px padding, 13 px at 1.4), the spread's. */
export const ROW_PX = 22;
export const SPREAD_PX = 28;

/** The canvas's height in CSS pixels for `depth` levels a side. */
export function bookHeight(depth: number): number {
  return 2 * depth * ROW_PX + SPREAD_PX;
}

/** A line of the book: the `i`th ask from the top, or the `i`th bid from the spread. */
export interface LineRef {
  side: "ask" | "bid";
  i: number;
}

/** Which line a point `y` px from the canvas's top falls on. */
export function lineAt(y: number, depth: number): LineRef | null {
  if (y < 0) return null;
  if (y < depth * ROW_PX) return { side: "ask", i: Math.floor(y / ROW_PX) };
  const below = y - depth * ROW_PX - SPREAD_PX;
  if (below < 0) return null;
  const i = Math.floor(below / ROW_PX);
  return i < depth ? { side: "bid", i } : null;
}

/** The top of a line, in CSS pixels. */
export function lineTop(side: LineRef["side"], i: number, depth: number): number {
  return side === "ask" ? i * ROW_PX : depth * ROW_PX + SPREAD_PX + i * ROW_PX;
}
