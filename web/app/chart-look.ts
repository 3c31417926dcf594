// What the dashboard's charts (lightweight-charts) share: their look on the dark panels, with the
// library's attribution logo kept (web/NOTICE), and their times, shifted so that the axis, which
// the library draws in UTC, reads the trader's local time.
import type { BaselineSeriesPartialOptions, DeepPartial, TimeChartOptions, UTCTimestamp } from "lightweight-charts";

/** ms since 1970 -> the chart's time (seconds, shifted to read as local time). */
export const chartTime = (ms: number) => ((ms - new Date(ms).getTimezoneOffset() * 60_000) / 1000) as UTCTimestamp;

/** Options every chart starts from: sized by its element, muted text and grid, minutes on the time axis. */
export const CHART_LOOK: DeepPartial<TimeChartOptions> = {
  autoSize: true,
  layout: { background: { color: "transparent" }, textColor: "#9aa4b2", attributionLogo: true },
  grid: { vertLines: { color: "#1f2630" }, horzLines: { color: "#1f2630" } },
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#2a3340" },
  rightPriceScale: { borderColor: "#2a3340" },
};

/** A line of money over time: green above its base value, red below, two decimals. */
export const GAIN_LOSS_LOOK: BaselineSeriesPartialOptions = {
  topLineColor: "#26a69a",
  topFillColor1: "rgb(38 166 154 / 28%)",
  topFillColor2: "rgb(38 166 154 / 5%)",
  bottomLineColor: "#ef5350",
  bottomFillColor1: "rgb(239 83 80 / 5%)",
  bottomFillColor2: "rgb(239 83 80 / 28%)",
  lineWidth: 2,
  priceFormat: { type: "price", precision: 2, minMove: 0.01 },
  priceLineVisible: false,
};
