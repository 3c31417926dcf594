// What the candle chart draws at prices and on bars, as the library takes it: an open order's line
// (its side and what is left), the fill marks as arrows, and keeping a set of price lines in step.
import type { CreatePriceLineOptions, IPriceLine, ISeriesApi, SeriesMarker, Time } from "lightweight-charts";
import type { Order } from "../../client/types.ts";
import { chartTime } from "../chart-look.ts";
import type { FillMark } from "../fill-marks.ts";

/** An open order's line on the chart: where, and what its label says. */
export interface OrderLine {
  ordId: string;
  price: number;
  title: string;
}

/** An open order with a price as a line: its side and what is left of it (no trailing zeros: a label, not a column). */
export function orderLine(o: Order): OrderLine {
  const left = Number((Number(o.sz) - Number(o.accFillSz || 0)).toPrecision(12));
  return { ordId: o.ordId, price: Number(o.px), title: `${o.side === "buy" ? "Buy" : "Sell"} ${left}` };
}

/**
 * Keeps the lines `drawn` on `series` to those of `want` (by id): new ones drawn, the others moved
 * or taken away; the line `held` (being dragged) is left where it is unless it is gone.
 */
export function syncLines(
  series: ISeriesApi<"Candlestick">,
  drawn: Map<string, IPriceLine>,
  want: Map<string, CreatePriceLineOptions>,
  held: string | null = null,
): void {
  for (const [id, line] of drawn) {
    if (want.has(id)) continue;
    series.removePriceLine(line);
    drawn.delete(id);
  }
  for (const [id, opts] of want) {
    const line = drawn.get(id);
    if (line && id === held) continue;
    if (line) line.applyOptions(opts);
    else drawn.set(id, series.createPriceLine(opts));
  }
}

/** The fill marks as arrows on their bars. */
export function fillMarkers(marks: FillMark[]): SeriesMarker<Time>[] {
  return marks.map(({ time, side, text }) =>
    side === "buy"
      ? { time: chartTime(time), position: "belowBar", shape: "arrowUp", color: "#26a69a", text }
      : { time: chartTime(time), position: "aboveBar", shape: "arrowDown", color: "#ef5350", text },
  );
}
