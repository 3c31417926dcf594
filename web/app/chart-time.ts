// Times for lightweight-charts, which draws its axis in UTC: shifted by the local offset, so the
// axis reads the trader's local time.
import type { UTCTimestamp } from "lightweight-charts";

/** ms since 1970 -> the chart's time (seconds, shifted to read as local time). */
export const chartTime = (ms: number) => ((ms - new Date(ms).getTimezoneOffset() * 60_000) / 1000) as UTCTimestamp;
