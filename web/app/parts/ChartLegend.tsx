// The candle chart's legend over its plot's corner: the bar under the pointer (open, high, low,
// close, change, volume), the user's fills on it, and the shown indicators' values.
import type { CandlestickData, UTCTimestamp } from "lightweight-charts";
import { defineComponent } from "vue";
import { fmtPx, fmtQty } from "../format.ts";

/** What the legend shows of the bar under the pointer. */
export interface Hovered {
  bar: CandlestickData<UTCTimestamp>;
  vol: number | undefined;
  /** The shown indicators' values on it. */
  lines: Array<{ name: string; color: string; value: number }>;
}

/**
 * Open, high, low, close of the bar under the pointer, its change in the tick's decimals, its
 * volume, the user's fills on it, and under them the shown indicators' values (rounded to the tick's decimals).
 */
export const ChartLegend = defineComponent(
  (props: { hovered: Hovered; px: number | undefined; fills: string }) => () => {
    const b = props.hovered.bar;
    const vol = props.hovered.vol;
    const change = b.open ? ((b.close - b.open) / b.open) * 100 : 0;
    const item = (name: string, v: number) => (
      <>
        <span class="muted">{name}</span> {fmtPx(v, props.px)}{" "}
      </>
    );
    return (
      <span class={`legend ${b.close >= b.open ? "up" : "down"}`} data-testid="chart-legend">
        {item("O", b.open)}
        {item("H", b.high)}
        {item("L", b.low)}
        {item("C", b.close)}
        {`${change >= 0 ? "+" : ""}${change.toFixed(2)}%`}
        {vol !== undefined && (
          <>
            {" "}
            <span class="muted">V</span> {fmtQty(vol)}
          </>
        )}
        {props.fills && <span class="fills"> · your fills {props.fills}</span>}
        {props.hovered.lines.length > 0 && (
          <span class="indicators">
            {props.hovered.lines.map((l) => (
              <span key={l.name} style={{ color: l.color }}>
                {l.name} {l.value.toFixed(props.px ?? 2)}{" "}
              </span>
            ))}
          </span>
        )}
      </span>
    );
  },
  { props: ["hovered", "px", "fills"] },
);
