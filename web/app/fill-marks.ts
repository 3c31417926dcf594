// The user's fills as marks on a candle chart: one per bar and side (a buy below the bar, a sell
// above) with the size they add up to and how many there were, so a strategy's dozens of fills
// stay readable. A mark's text is written only where it has room: the newest first, then each
// mark at least LABEL_GAP_BARS bars before the last one written on its side (closer ones overlap).
import type { Fill } from "../client/types.ts";

export interface FillMark {
  /** The bar's open time (ms). */
  time: number;
  side: Fill["side"];
  /** What the bar's fills on this side add up to. */
  sz: number;
  n: number;
  /** "B 0.01 ×3", or "" where it would overlap its neighbour. */
  text: string;
}

/** Bars between two written marks on one side (a label is about that wide at default spacing). */
export const LABEL_GAP_BARS = 8;

/** "B 0.01 ×3": the side, the size, and how many fills when more than one. */
export const markLabel = (m: Pick<FillMark, "side" | "sz" | "n">): string =>
  `${m.side === "buy" ? "B" : "S"} ${Number(m.sz.toPrecision(6))}${m.n > 1 ? ` ×${m.n}` : ""}`;

/**
 * The marks of `fills` for bars of `barMs`, oldest first; `barOf` gives the time of the bar a fill
 * is marked on (default: the one of `barMs` it fell in).
 */
export function fillMarks(
  fills: ReadonlyArray<Pick<Fill, "ts" | "side" | "fillSz">>,
  barMs: number,
  barOf: (ts: number) => number = (ts) => Math.floor(ts / barMs) * barMs,
): FillMark[] {
  const byBar = new Map<string, FillMark>();
  for (const f of fills) {
    const time = barOf(f.ts);
    const key = `${time}:${f.side}`;
    const m = byBar.get(key) ?? { time, side: f.side, sz: 0, n: 0, text: "" };
    m.sz += Number(f.fillSz);
    m.n += 1;
    byBar.set(key, m);
  }
  const marks = [...byBar.values()].sort((a, b) => a.time - b.time);
  const lastWritten: Partial<Record<Fill["side"], number>> = {};
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i]!;
    const after = lastWritten[m.side];
    if (after !== undefined && after - m.time < LABEL_GAP_BARS * barMs) continue;
    m.text = markLabel(m);
    lastWritten[m.side] = m.time;
  }
  return marks;
}

/**
 * The time of the first of `points` (oldest first) at or after `ts`: the point a fill is marked on
 * where the chart has a point per few bars (a backtest's curve); the last one after them all.
 */
export function atOrAfter(points: ReadonlyArray<{ ts: number }>, ts: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.ts >= ts) hi = mid;
    else lo = mid + 1;
  }
  return points[lo]?.ts ?? ts;
}
