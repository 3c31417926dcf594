// What the dashboard's charts (lightweight-charts) share: their look on the dark panels, with the
// library's attribution logo kept (web/NOTICE), and their times, shifted so that the axis, which
// the library draws in UTC, reads the trader's local time.
import type { DeepPartial, TimeChartOptions, UTCTimestamp } from "lightweight-charts";

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
