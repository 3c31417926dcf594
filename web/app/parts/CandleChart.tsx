// Candles of one instrument with lightweight-charts (TradingView, Apache-2.0: its attribution
// logo stays on; see web/NOTICE): history, then the live bar, each bar's traded size as a
// histogram along the bottom, the indicators picked as lines over the candles
// (chart-indicators.ts), the user's own fills as arrows on their bars, their open orders, price
// alerts (Alt+click sets one), positions (entry and liquidation) and their stop losses and take
// profits as lines at their prices (chart-lines.ts; a trader drags an order's or a stop's line to
// move it: line-drag.ts), the hovered bar in a legend
// (ChartLegend.tsx); Shift+click opens the ticket at a price; scrolled to its left edge it loads
// the bars before. The library loads on first use.
import type {
  CandlestickData,
  CreatePriceLineOptions,
  HistogramData,
  IChartApi,
  IPriceLine,
  ISeriesApi,
  ISeriesMarkersPluginApi,
  SeriesMarker,
  Time,
  UTCTimestamp,
} from "lightweight-charts";
import { computed, defineComponent, onBeforeUnmount, onMounted, shallowRef, watch } from "vue";
import { toTick } from "../../client/rules.ts";
import type { Order } from "../../client/types.ts";
import { useFills, useOrders, usePositions } from "../../vue/account.ts";
import { useAlerts } from "../../vue/alerts.ts";
import { BAR_MS, type Bar, useCandles } from "../../vue/candles.ts";
import { useTradewire } from "../../vue/context.ts";
import { useInstrument, useTicker } from "../../vue/market.ts";
import { CHART_LOOK, chartTime } from "../chart-look.ts";
import { type FillMark, fillMarks, markLabel } from "../fill-marks.ts";
import { digitsOf } from "../format.ts";
import { useGuards } from "../guards.ts";
import { INDICATOR_IDS, type IndicatorId } from "../indicators.ts";
import { keptChoice, keptChoices } from "../kept.ts";
import { guardMarks, type PriceMark, positionMarks } from "../position-marks.ts";
import { checkProtect } from "../protect.ts";
import { go } from "../router.ts";
import { handPrice } from "../selection.ts";
import { useSession } from "../session.ts";
import { AlertsMenu } from "./AlertsMenu.tsx";
import { ChartLegend, type Hovered } from "./ChartLegend.tsx";
import { ChartIndicators } from "./chart-indicators.ts";
import { fillMarkers, type OrderLine, orderLine, syncLines } from "./chart-lines.ts";
import { FundingBadge } from "./FundingBadge.tsx";
import { IndicatorsMenu } from "./IndicatorsMenu.tsx";
import { attachLineDrag, type DraggableLine, type LineDrag } from "./line-drag.ts";

const BARS = Object.keys(BAR_MS).filter((b) => ["1m", "5m", "15m", "1H", "4H", "1D"].includes(b));
const point = (b: Bar): CandlestickData<UTCTimestamp> => ({
  time: chartTime(b.time),
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
});
/** A bar's volume, in its candle's colour (dimmed: the candles stay in front). */
const volumePoint = (b: Bar): HistogramData<UTCTimestamp> => ({
  time: chartTime(b.time),
  value: b.vol,
  color: b.close >= b.open ? "rgb(38 166 154 / 35%)" : "rgb(239 83 80 / 35%)",
});
/** The volume histogram takes the bottom fifth of the plot, the candles the rest above it. */
const VOLUME_TOP = 0.8;

/** The chart's area carries the chart, the fill markers and the lines it last set, its candle and volume series and its indicators: for scripts and tests. */
export type ChartArea = HTMLDivElement & {
  chart?: IChartApi;
  candles?: ISeriesApi<"Candlestick">;
  fillMarkers?: SeriesMarker<Time>[];
  orderLines?: OrderLine[];
  alertLines?: number[];
  positionLines?: PriceMark[];
  guardLines?: GuardLine[];
  volume?: ISeriesApi<"Histogram">;
  indicators?: ChartIndicators;
};

/** A stop loss or take profit line: `guard:<strategy id>:sl|tp`, its price and label. */
type GuardLine = Omit<DraggableLine, "line">;
const GUARD = "guard:";
/** The drag ids of price alerts' lines: ALERT + the alert's id. */
const ALERT = "alert:";

/** Older bars are loaded when fewer than this many are left of the view. */
const OLDER_WITHIN = 30;

export const CandleChart = defineComponent(
  (props: { instId: string }) => {
    /** The bar size last picked, kept across reloads. */
    const bar = keptChoice("tradewire.chart.bar", BARS, "1m");
    const candles = useCandles(() => props.instId, bar);
    /** The indicators shown, kept across reloads. */
    const indicatorIds = keptChoices<IndicatorId>("tradewire.chart.indicators", INDICATOR_IDS);
    let indicators: ChartIndicators | undefined;
    const el = shallowRef<ChartArea | null>(null);
    const fills = useFills();
    let markers: ISeriesMarkersPluginApi<Time> | undefined;
    /** The fills of this instrument since the first bar shown. */
    /** The marks drawn, for the legend (an arrow's text may be left out where it would overlap). */
    const marks = shallowRef<FillMark[]>([]);
    const markFills = () => {
      const area = el.value;
      if (!markers || !area) return;
      const ms = BAR_MS[bar.value] ?? 60_000;
      const first = candles.bars.value[0]?.time ?? Number.POSITIVE_INFINITY;
      marks.value = fillMarks(
        fills.value.filter((f) => f.instId === props.instId && f.ts >= first),
        ms,
      );
      const list = fillMarkers(marks.value);
      area.fillMarkers = list;
      markers.setMarkers(list);
    };
    const { list: openOrders } = useOrders();
    const orderLines = new Map<string, IPriceLine>();
    /** This instrument's open orders with a price, each a dashed line at it (moved or gone as they change). */
    const drawOrders = () => {
      const area = el.value;
      if (!series || !area) return;
      const want = openOrders.value
        .filter((o) => o.instId === props.instId && Number(o.px) > 0)
        .map((o) => ({ o, line: orderLine(o) }));
      const opts = (o: Order, line: OrderLine): CreatePriceLineOptions => ({
        price: line.price,
        title: line.title,
        color: o.side === "buy" ? "#26a69a" : "#ef5350",
        lineWidth: 1,
        lineStyle: 2, // dashed
        axisLabelVisible: true,
      });
      syncLines(series, orderLines, new Map(want.map(({ o, line }) => [o.ordId, opts(o, line)])), drag?.held());
      area.orderLines = want.map((w) => w.line);
    };
    const { list: positionList } = usePositions();
    const allGuards = useGuards();
    const guards = computed(() => allGuards.value.filter((g) => g.instId === props.instId));
    const positionLines = new Map<string, IPriceLine>();
    /**
     * This instrument's positions: a solid blue line at each entry, a red one at its liquidation
     * price; and the stop losses (red) and take profits (green) that guard them, sparsely dotted.
     */
    const drawPositions = () => {
      const area = el.value;
      if (!series || !area) return;
      const want = new Map<string, CreatePriceLineOptions>();
      const shown: PriceMark[] = [];
      for (const p of positionList.value) {
        if (p.instId !== props.instId) continue;
        for (const { kind, price, title } of positionMarks(p)) {
          const liq = kind === "liq";
          want.set(`${p.posSide || "net"}:${kind}`, {
            price,
            title,
            color: liq ? "#ef5350" : "#4f8cff",
            lineWidth: 1,
            lineStyle: liq ? 3 : 0, // large dashes : solid
            axisLabelVisible: true,
          });
          shown.push({ price, title });
        }
      }
      const guardLines: GuardLine[] = [];
      for (const g of guards.value)
        for (const { kind, price, title } of guardMarks(g)) {
          guardLines.push({ id: `${GUARD}${g.id}:${kind}`, price, title });
          want.set(`${GUARD}${g.id}:${kind}`, {
            price,
            title,
            color: kind === "sl" ? "#ef5350" : "#26a69a",
            lineWidth: 1,
            lineStyle: 4, // sparse dots
            axisLabelVisible: true,
          });
          shown.push({ price, title });
        }
      syncLines(series, positionLines, want, drag?.held());
      area.positionLines = shown;
      area.guardLines = guardLines;
    };
    const session = useSession();
    const alerts = useAlerts();
    const alertLines = new Map<string, IPriceLine>();
    /** This instrument's price alerts, each a dotted amber line at its price. */
    const drawAlerts = () => {
      const area = el.value;
      if (!series || !area) return;
      const mine = alerts.waiting.value.filter((a) => a.instId === props.instId);
      const opts = (price: number): CreatePriceLineOptions => ({
        price,
        title: "Alert",
        color: "#e0a030",
        lineWidth: 1,
        lineStyle: 1, // dotted
        axisLabelVisible: true,
      });
      syncLines(series, alertLines, new Map(mine.map((a) => [ALERT + a.id, opts(a.price)])), drag?.held());
      area.alertLines = mine.map((a) => a.price);
    };
    const inst = useInstrument(() => props.instId);
    /** The price axis in the tick's decimals and steps (the library's default is two decimals), once the rules are known. */
    const priceFormat = () => {
      const i = inst.value;
      const d = digitsOf(i);
      return i && d ? { precision: d.px, minMove: i.tickSz } : undefined;
    };
    const formatPrices = () => {
      const f = priceFormat();
      if (f) series?.applyOptions({ priceFormat: { type: "price", ...f } });
      indicators?.formatPrices();
    };
    let chart: IChartApi | undefined;
    let series: ISeriesApi<"Candlestick"> | undefined;
    let volume: ISeriesApi<"Histogram"> | undefined;
    /** The bar under the pointer, for the legend (none while the pointer is elsewhere). */
    const hovered = shallowRef<Hovered | null>(null);

    const tw = useTradewire();
    /** Why the last drag of a line, or Alt+click for an alert, did nothing. */
    const chartError = shallowRef<string | null>(null);
    let drag: LineDrag | undefined;
    /** Checks a guard's new price against the last (a long's stop under it, its take profit over it), then sets it. */
    const moveGuard = async (id: string, px: string) => {
      const [sid = "", kind] = id.slice(GUARD.length).split(":");
      const g = guards.value.find((x) => x.id === sid);
      const r = inst.value;
      if (!g || !r) throw new Error("that stop is gone");
      const field = kind === "sl" ? "stopPx" : "takeProfitPx";
      const input = { side: g.side, last: Number(ticker.value?.last), size: String(g.size) };
      const wrong = checkProtect({ ...input, stopPx: "", takeProfitPx: "", trailPct: "", [field]: px }, r)[field];
      if (wrong) throw new Error(wrong);
      await tw.rest.strategies.update(sid, { params: { [field]: Number(px) } });
    };
    /** The user's price alerts, and a trader's open orders and stops, on this chart may be dragged to a new price (line-drag.ts). */
    const dragLines = () => {
      const area = el.value;
      if (!series || !area) return;
      const candle = series;
      const alertDrags = (): DraggableLine[] =>
        alerts.waiting.value.flatMap((a) => {
          const line = a.instId === props.instId ? alertLines.get(ALERT + a.id) : undefined;
          return line ? [{ id: ALERT + a.id, price: a.price, title: "Alert", line }] : [];
        });
      drag = attachLineDrag(area, {
        series: candle,
        lines: () => [
          ...alertDrags(),
          ...(session.canTrade.value ? (area.orderLines ?? []) : []).flatMap((o) => {
            const line = orderLines.get(o.ordId);
            return line ? [{ id: o.ordId, price: o.price, title: o.title, line }] : [];
          }),
          ...(session.canTrade.value ? (area.guardLines ?? []) : []).flatMap((g) => {
            const line = positionLines.get(g.id);
            return line ? [{ ...g, line }] : [];
          }),
        ],
        snap: (p) => {
          const tick = inst.value?.tickSz;
          return tick ? toTick(p, tick) : String(p);
        },
        move: async (id, px) => {
          if (id.startsWith(ALERT)) {
            const r = await alerts.move(id.slice(ALERT.length), Number(px));
            if (r && "error" in r) throw new Error(r.error);
          } else if (id.startsWith(GUARD)) await moveGuard(id, px);
          else await tw.rest.orders.amend(id, { newPx: px }, props.instId);
        },
        chartMoves: (on) => chart?.applyOptions({ handleScroll: on, handleScale: on }),
        failed: (text) => (chartError.value = text),
        settled: () => {
          drawOrders();
          drawPositions();
          drawAlerts();
        },
      });
    };

    const ticker = useTicker(() => props.instId);
    /** Alt+click on the plot sets a price alert there; Shift+click (traders) opens Trading with that price in the ticket. */
    const onPlotClick = (e: MouseEvent) => {
      const area = el.value;
      if (!series || !area || (!e.altKey && !e.shiftKey)) return;
      const box = area.getBoundingClientRect();
      if (e.clientX - box.left > box.width - series.priceScale().width()) return;
      const p = Number(series.coordinateToPrice(e.clientY - box.top));
      if (!(p > 0)) return;
      const tick = inst.value?.tickSz;
      const px = tick ? toTick(p, tick) : String(p);
      if (e.altKey) {
        void alerts.add(props.instId, Number(px), Number(ticker.value?.last)).then((r) => {
          chartError.value = "error" in r ? `Alert at ${px}: ${r.error}` : null;
        });
      } else if (session.canTrade.value) {
        handPrice(props.instId, px);
        go("/trading");
      }
    };

    onMounted(async () => {
      const lw = await import("lightweight-charts");
      if (!el.value) return;
      chart = lw.createChart(el.value, CHART_LOOK);
      series = chart.addSeries(lw.CandlestickSeries, {
        upColor: "#26a69a",
        downColor: "#ef5350",
        wickUpColor: "#26a69a",
        wickDownColor: "#ef5350",
        borderVisible: false,
      });
      series.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 1 - VOLUME_TOP + 0.02 } });
      // On a scale of its own with no axis (priceScaleId ""), under the candles.
      volume = chart.addSeries(lw.HistogramSeries, {
        priceScaleId: "",
        priceFormat: { type: "volume" },
        lastValueVisible: false,
        priceLineVisible: false,
      });
      volume.priceScale().applyOptions({ scaleMargins: { top: VOLUME_TOP, bottom: 0 } });
      el.value.volume = volume;
      el.value.candles = series;
      el.value.chart = chart;
      formatPrices();
      series.setData(candles.bars.value.map(point));
      volume.setData(candles.bars.value.map(volumePoint));
      shownLoad = candles.loads.value;
      indicators = new ChartIndicators(lw, chart, priceFormat);
      indicators.show(indicatorIds.value, candles.bars.value);
      el.value.indicators = indicators;
      markers = lw.createSeriesMarkers(series, []);
      markFills();
      drawOrders();
      drawAlerts();
      drawPositions();
      dragLines();
      el.value.addEventListener("click", onPlotClick);
      chart.subscribeCrosshairMove((p) => {
        const bar = series && p.seriesData.get(series);
        const vol = volume && p.seriesData.get(volume);
        const lines = (indicators?.lines() ?? []).flatMap(({ name, color, series: line }) => {
          const v = p.seriesData.get(line);
          return v && "value" in v ? [{ name, color, value: v.value }] : [];
        });
        hovered.value =
          bar && "open" in bar
            ? { bar: bar as CandlestickData<UTCTimestamp>, vol: vol && "value" in vol ? vol.value : undefined, lines }
            : null;
      });
      // Near the left edge: the bars before (the view stays where it is, anchored on the right).
      chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
        if (range && range.from < OLDER_WITHIN && candles.more.value) void candles.older();
      });
    });
    /** The load the chart shows: a new one (instrument, bar size, resync) scrolls to the present. */
    let shownLoad = -1;
    watch(candles.bars, (bars) => {
      series?.setData(bars.map(point));
      volume?.setData(bars.map(volumePoint));
      indicators?.setBars(bars);
      markFills();
      if (shownLoad !== candles.loads.value) chart?.timeScale().scrollToRealTime();
      shownLoad = candles.loads.value;
    });
    watch(fills, markFills);
    watch([openOrders, () => props.instId], drawOrders);
    watch([alerts.waiting, () => props.instId], drawAlerts);
    watch([positionList, guards, () => props.instId], drawPositions);
    watch(inst, formatPrices);
    watch(candles.last, (b) => {
      if (!b) return;
      series?.update(point(b));
      volume?.update(volumePoint(b));
      indicators?.updateLast(candles.bars.value);
    });
    watch(indicatorIds, (ids) => indicators?.show(ids, candles.bars.value));
    onBeforeUnmount(() => {
      drag?.stop();
      el.value?.removeEventListener("click", onPlotClick);
      chart?.remove();
    });

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
          <FundingBadge instId={props.instId} />
          {candles.loading.value && <small class="muted">loading…</small>}
          {candles.error.value && <small class="error">{candles.error.value}</small>}
          {chartError.value && (
            <small class="error" role="alert" data-testid="chart-drag-error">
              {chartError.value}
            </small>
          )}
          {hovered.value && (
            <ChartLegend
              hovered={hovered.value}
              px={digitsOf(inst.value)?.px}
              fills={marks.value
                .filter((m) => chartTime(m.time) === hovered.value!.bar.time)
                .map(markLabel)
                .join(" · ")}
            />
          )}
          <span class="chart-menus">
            <IndicatorsMenu shown={indicatorIds.value} onChange={(ids: IndicatorId[]) => (indicatorIds.value = ids)} />
            <AlertsMenu instId={props.instId} />
          </span>
        </header>
        <div class="chart-area" ref={el} />
      </section>
    );
  },
  { props: ["instId"] },
);
