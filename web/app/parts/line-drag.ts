// Dragging a line on the chart moves what it stands for (an open order: amended; a stop loss or
// take profit: its stop strategy's price changed; a price alert: moved at the service): pressed within a few pixels of the line, the
// line follows the pointer on the tick grid (the chart does not pan meanwhile), and let go at
// another price it is moved there; the line goes back if the move is refused. While a line is held
// (and until its move is answered), the chart leaves it where the pointer put it: an update of its
// order meanwhile (a partial fill) does not snap it back. Near a line the cursor says it can be
// dragged. Price alerts for everyone (their own), orders and stops for those who may trade.
import type { IPriceLine, ISeriesApi } from "lightweight-charts";

/** A line the user may drag: what it stands for (an id the mover knows), its price now, and its line. */
export interface DraggableLine {
  id: string;
  price: number;
  title: string;
  line: IPriceLine;
}

export interface LineDragDeps {
  series: ISeriesApi<"Candlestick">;
  /** The lines that may be dragged now. */
  lines: () => DraggableLine[];
  /** The price dropped at, on the tick grid, as the move sends it ("43012.3"). */
  snap: (price: number) => string;
  /** Moves what line `id` stands for to `px`; rejects with the reason when it is refused. */
  move: (id: string, px: string) => Promise<void>;
  /** The chart's own panning and scaling off while a line is dragged, on again after. */
  chartMoves: (on: boolean) => void;
  /** A refusal to show (null: clears it). */
  failed: (text: string | null) => void;
  /** A drag ended with nothing moved (refused, let go where it began): the lines are drawn from the state again. */
  settled: () => void;
}

/** The drag on a chart: ends listening; which line is being dragged (the chart leaves that one where the pointer is). */
export interface LineDrag {
  stop(): void;
  held(): string | null;
}

/** How near (px) a press must be to a line to take it. */
const GRAB_PX = 5;

/** Moves a line; one the chart took away meanwhile (its order filled or canceled, its stop fired) is left alone. */
function place(l: DraggableLine, price: number, title: string): void {
  try {
    l.line.applyOptions({ price, title });
  } catch {}
}

/** Starts listening on the chart's element. */
export function attachLineDrag(el: HTMLElement, d: LineDragDeps): LineDrag {
  /** The line taken, where it is, and whether it was let go (its move is on its way). */
  let dragging: { l: DraggableLine; px: string; released: boolean } | null = null;

  /** The line within GRAB_PX of the pointer, over the plot (not its price axis). */
  const near = (e: PointerEvent): DraggableLine | null => {
    const box = el.getBoundingClientRect();
    const y = e.clientY - box.top;
    if (e.clientX - box.left > box.width - d.series.priceScale().width()) return null;
    let best: DraggableLine | null = null;
    let bestDy = GRAB_PX + 1;
    for (const l of d.lines()) {
      const ly = d.series.priceToCoordinate(l.price);
      if (ly === null) continue;
      const dy = Math.abs(ly - y);
      if (dy < bestDy) [best, bestDy] = [l, dy];
    }
    return best;
  };
  const priceAt = (e: PointerEvent): number | null => {
    const p = d.series.coordinateToPrice(e.clientY - el.getBoundingClientRect().top);
    return p === null ? null : Number(p);
  };

  const down = (e: PointerEvent) => {
    if (e.button !== 0 || dragging) return;
    const l = near(e);
    if (!l) return;
    // Taken before the chart sees it: the chart would pan instead.
    e.preventDefault();
    e.stopPropagation();
    el.setPointerCapture?.(e.pointerId);
    d.chartMoves(false);
    d.failed(null);
    dragging = { l, px: d.snap(l.price), released: false };
  };
  const move = (e: PointerEvent) => {
    if (!dragging || dragging.released) {
      el.style.cursor = near(e) ? "ns-resize" : "";
      return;
    }
    e.stopPropagation();
    const p = priceAt(e);
    if (p === null || !(p > 0)) return;
    dragging.px = d.snap(p);
    place(dragging.l, Number(dragging.px), `${dragging.l.title} → ${dragging.px}`);
  };
  const up = async (e: PointerEvent) => {
    if (!dragging || dragging.released) return;
    e.stopPropagation();
    dragging.released = true;
    const { l, px } = dragging;
    d.chartMoves(true);
    if (Number(px) === l.price) {
      dragging = null;
      return d.settled();
    }
    place(l, Number(px), `${l.title} → ${px} …`);
    try {
      await d.move(l.id, px);
      dragging = null; // the line stays where it was let go until the stream says where it is
    } catch (err) {
      dragging = null;
      d.failed(`Move to ${px}: ${(err as Error).message}`);
      d.settled();
    }
  };
  const cancel = () => {
    if (!dragging || dragging.released) return;
    dragging = null;
    d.chartMoves(true);
    d.settled();
  };

  el.addEventListener("pointerdown", down, true);
  el.addEventListener("pointermove", move, true);
  el.addEventListener("pointerup", up, true);
  el.addEventListener("pointercancel", cancel, true);
  return {
    stop: () => {
      el.removeEventListener("pointerdown", down, true);
      el.removeEventListener("pointermove", move, true);
      el.removeEventListener("pointerup", up, true);
      el.removeEventListener("pointercancel", cancel, true);
    },
    held: () => dragging?.l.id ?? null,
  };
}
