// The indicators shown on a candle chart, as line series over its candles (on their price scale):
// drawn anew with each load of bars, their last points moved with the live bar. A line series
// per line, made when its indicator is shown and removed when it is not.
import type { IChartApi, ISeriesApi, LineData, UTCTimestamp, WhitespaceData } from "lightweight-charts";
import type { Bar } from "../../vue/candles.ts";
import { chartTime } from "../chart-look.ts";
import { INDICATORS, type IndicatorId } from "../indicators.ts";

type Lw = typeof import("lightweight-charts");
type Point = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

/** A shown line: its name, and its series (for the legend, scripts and tests). */
export interface ShownLine {
  name: string;
  color: string;
  series: ISeriesApi<"Line">;
}

export class ChartIndicators {
  private shown = new Map<IndicatorId, ShownLine[]>();

  constructor(
    private readonly lw: Lw,
    private readonly chart: IChartApi,
    private readonly priceFormat: () => { precision: number; minMove: number } | undefined,
  ) {}

  /** Every line shown now, in the indicators' order. */
  lines(): ShownLine[] {
    return [...this.shown.values()].flat();
  }

  /** Shows `ids` (and no other), drawn over `bars`. */
  show(ids: readonly IndicatorId[], bars: readonly Bar[]): void {
    for (const [id, lines] of this.shown) {
      if (ids.includes(id)) continue;
      for (const l of lines) this.chart.removeSeries(l.series);
      this.shown.delete(id);
    }
    for (const id of ids) {
      if (this.shown.has(id)) continue;
      const lines = INDICATORS[id].lines([]).map(({ name, color }) => ({
        name,
        color,
        series: this.chart.addSeries(this.lw.LineSeries, {
          color,
          lineWidth: 1,
          lastValueVisible: false,
          priceLineVisible: false,
          crosshairMarkerVisible: false,
          ...this.format(),
        }),
      }));
      this.shown.set(id, lines);
    }
    this.setBars(bars);
  }

  /** Draws every shown line over `bars` (a load: history replaced or extended). */
  setBars(bars: readonly Bar[]): void {
    if (this.shown.size === 0) return;
    const times = bars.map((b) => chartTime(b.time));
    this.each(bars, (series, values) =>
      series.setData(values.map((v, j): Point => (v === null ? { time: times[j]! } : { time: times[j]!, value: v }))),
    );
  }

  /** Moves the last point of every shown line (the live bar changed, or a new one began). */
  updateLast(bars: readonly Bar[]): void {
    const last = bars.at(-1);
    if (!last || this.shown.size === 0) return; // the live bar's path: nothing to do with none shown
    const time = chartTime(last.time);
    this.each(bars, (series, values) => {
      const v = values.at(-1);
      series.update(v === null || v === undefined ? { time } : { time, value: v });
    });
  }

  /** The price axis's decimals and step changed (the instrument's rules came). */
  formatPrices(): void {
    for (const l of this.lines()) l.series.applyOptions(this.format());
  }

  private format() {
    const f = this.priceFormat();
    return f ? { priceFormat: { type: "price" as const, ...f } } : {};
  }

  /** Each shown line's series with its values over `bars`' closes. */
  private each(bars: readonly Bar[], draw: (series: ISeriesApi<"Line">, values: Array<number | null>) => void): void {
    if (this.shown.size === 0) return;
    const closes = bars.map((b) => b.close);
    for (const [id, lines] of this.shown) {
      const computed = INDICATORS[id].lines(closes);
      for (const [i, l] of lines.entries()) draw(l.series, computed[i]!.values);
    }
  }
}
