// Candles of one instrument with lightweight-charts (TradingView, Apache-2.0: its attribution
// logo stays on; see web/NOTICE): history, then the live bar; the library loads on first use.
import type { CandlestickData, IChartApi, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { defineComponent, onBeforeUnmount, onMounted, shallowRef, watch } from "vue";
import { BAR_MS, type Bar, useCandles } from "../../vue/candles.ts";
import { useInstrument } from "../../vue/market.ts";
import { digitsOf } from "../format.ts";

const BARS = Object.keys(BAR_MS).filter((b) => ["1m", "5m", "15m", "1H", "4H", "1D"].includes(b));
/** The chart shows UTC: shift by the local offset so its axis reads local time. */
const local = (ms: number) => ((ms - new Date(ms).getTimezoneOffset() * 60_000) / 1000) as UTCTimestamp;
const point = (b: Bar): CandlestickData<UTCTimestamp> => ({
  time: local(b.time),
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
});

export const CandleChart = defineComponent(
  (props: { instId: string }) => {
    const bar = shallowRef("1m");
    const candles = useCandles(() => props.instId, bar);
    const el = shallowRef<HTMLDivElement | null>(null);
    const inst = useInstrument(() => props.instId);
    /** The price axis in the tick's decimals and steps (the library's default is two decimals), once the rules are known. */
    const formatPrices = () => {
      const i = inst.value;
      const d = digitsOf(i);
      if (i && d) series?.applyOptions({ priceFormat: { type: "price", precision: d.px, minMove: i.tickSz } });
    };
    let chart: IChartApi | undefined;
    let series: ISeriesApi<"Candlestick"> | undefined;

    onMounted(async () => {
      const lw = await import("lightweight-charts");
      if (!el.value) return;
      chart = lw.createChart(el.value, {
        autoSize: true,
        layout: { background: { color: "transparent" }, textColor: "#9aa4b2", attributionLogo: true },
        grid: { vertLines: { color: "#1f2630" }, horzLines: { color: "#1f2630" } },
        timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#2a3340" },
        rightPriceScale: { borderColor: "#2a3340" },
      });
      series = chart.addSeries(lw.CandlestickSeries, {
        upColor: "#26a69a",
        downColor: "#ef5350",
        wickUpColor: "#26a69a",
        wickDownColor: "#ef5350",
        borderVisible: false,
      });
      formatPrices();
      series.setData(candles.bars.value.map(point));
    });
    watch(candles.bars, (bars) => {
      series?.setData(bars.map(point));
      chart?.timeScale().scrollToRealTime();
    });
    watch(inst, formatPrices);
    watch(candles.last, (b) => {
      if (b && series) series.update(point(b));
    });
    onBeforeUnmount(() => chart?.remove());

    return () => (
      <section class="card chart" data-testid="chart">
        <header class="row">
          <h2>{props.instId}</h2>
          <span class="bars">
            {BARS.map((b) => (
              <button
                type="button"
                key={b}
                class={{ ghost: true, active: bar.value === b }}
                onClick={() => (bar.value = b)}
              >
                {b}
              </button>
            ))}
          </span>
          {candles.loading.value && <small class="muted">loading…</small>}
          {candles.error.value && <small class="error">{candles.error.value}</small>}
        </header>
        <div class="chart-area" ref={el} />
      </section>
    );
  },
  { props: ["instId"] },
);
