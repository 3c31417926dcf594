// The account's equity over the last day, week or month: the recorded points
// (GET /api/account/equity: a point per bucket, its last account push), then each live push, drawn as
// the change since the range began (green above, red below: short labels on a narrow axis, where
// six-figure totals would take half the panel), with that change and its percent over it, and the
// largest fall from a peak in the range (its max drawdown).
// lightweight-charts (TradingView attribution kept, web/NOTICE), loaded on first use.
import type { AutoscaleInfo, IChartApi, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { defineComponent, onBeforeUnmount, onMounted, shallowRef, watch } from "vue";
import { useAccount } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";
import { CHART_LOOK, chartTime, GAIN_LOSS_LOOK } from "../chart-look.ts";
import { type Drawdown, maxDrawdown } from "../drawdown.ts";
import { fmtPct, fmtUsd } from "../format.ts";
import { keptChoice } from "../kept.ts";

const DAY_MS = 86_400_000;
/** Each range with the bucket it is drawn in (about 300 points at most). */
const RANGES = {
  "1D": { ms: DAY_MS, bar: "5m", barMs: 300_000 },
  "1W": { ms: 7 * DAY_MS, bar: "30m", barMs: 1_800_000 },
  "1M": { ms: 30 * DAY_MS, bar: "2H", barMs: 7_200_000 },
} as const;
type Range = keyof typeof RANGES;

/** +1234.5 -> "+1,234.50" (the axis and the last value's label). */
const signedUsd = (v: number) => `${v > 0 ? "+" : ""}${fmtUsd(v)}`;

/** The curve's area carries its series (each point the change since the range began): for scripts and tests. */
export type EquityArea = HTMLDivElement & { equity?: ISeriesApi<"Baseline"> };

export const EquityCurve = defineComponent(() => {
  const tw = useTradewire();
  const account = useAccount();
  const range = keptChoice<Range>("tradewire.equity.range", Object.keys(RANGES) as Range[], "1D");
  const el = shallowRef<EquityArea | null>(null);
  const error = shallowRef("");
  /** The equity where the range begins (the first push recorded in it, else the first live one). */
  const base = shallowRef<number | null>(null);
  let chart: IChartApi | undefined;
  let series: ISeriesApi<"Baseline"> | undefined;
  /** The newest point's time: a live point never goes before it. */
  let newest = 0 as UTCTimestamp;
  /** The equity at each point drawn, oldest first (the range's first push, then each point's). */
  let values: number[] = [];
  /** The largest fall from a peak over the range. */
  const drawdown = shallowRef<Drawdown | null>(null);
  let loaded = false;
  let gen = 0;

  const follow = () => {
    const eq = Number(account.value?.totalEq);
    if (!loaded || !series || !account.value || !Number.isFinite(eq)) return;
    if (base.value === null) base.value = eq;
    const { barMs } = RANGES[range.value];
    const time = Math.max(newest, chartTime(Math.floor(Date.now() / barMs) * barMs)) as UTCTimestamp;
    series.update({ time, value: eq - base.value });
    if (time === newest && values.length > 1) values[values.length - 1] = eq;
    else values.push(eq);
    newest = time;
    drawdown.value = maxDrawdown(values);
  };
  const load = async () => {
    const my = ++gen;
    loaded = false;
    const r = RANGES[range.value];
    try {
      const page = await tw.rest.account.equity({ bar: r.bar, from: Date.now() - r.ms, limit: 1000 });
      if (my !== gen || !series) return;
      const points = page.data.map((p) => ({ time: chartTime(p.ts), eq: Number(p.totalEq) })).reverse();
      const oldest = page.data.at(-1);
      const first = oldest ? Number(oldest.openEq) : null;
      base.value = first;
      series.setData(points.map((p) => ({ time: p.time, value: p.eq - (first ?? 0) })));
      newest = points.at(-1)?.time ?? (0 as UTCTimestamp);
      values = first === null ? [] : [first, ...points.map((p) => p.eq)];
      error.value = "";
    } catch (err) {
      if (my !== gen || !series) return;
      // Without the recorded points the curve still follows the live pushes.
      series.setData([]);
      newest = 0 as UTCTimestamp;
      values = [];
      base.value = null;
      error.value = `Equity history: ${(err as Error).message}`;
    }
    loaded = true;
    follow();
    chart?.timeScale().fitContent();
  };

  onMounted(async () => {
    const lw = await import("lightweight-charts");
    if (!el.value) return;
    chart = lw.createChart(el.value, {
      ...CHART_LOOK,
      grid: { ...CHART_LOOK.grid, vertLines: { visible: false } },
      handleScroll: false,
      handleScale: false,
    });
    series = chart.addSeries(lw.BaselineSeries, {
      ...GAIN_LOSS_LOOK,
      baseValue: { type: "price", price: 0 },
      priceFormat: { type: "custom", minMove: 0.01, formatter: signedUsd },
      // The scale always takes in zero (where the range began): a curve is read against it.
      autoscaleInfoProvider: (own: () => AutoscaleInfo | null) => {
        const r = own();
        return r?.priceRange
          ? {
              ...r,
              priceRange: {
                minValue: Math.min(0, r.priceRange.minValue),
                maxValue: Math.max(0, r.priceRange.maxValue),
              },
            }
          : r;
      },
    });
    el.value.equity = series;
    await load();
  });
  watch(account, follow);
  watch(range, () => void load());
  onBeforeUnmount(() => chart?.remove());

  return () => {
    const eq = Number(account.value?.totalEq);
    const change = base.value !== null && Number.isFinite(eq) ? eq - base.value : null;
    return (
      <div class="equity-curve" data-testid="equity-curve">
        <header class="row">
          <h3>Equity</h3>
          {change !== null && (
            <span
              class={["change", change > 0 ? "up" : change < 0 ? "down" : "muted"]}
              data-testid="equity-change"
              title={`Since the first point of the last ${range.value}`}
            >
              {signedUsd(change)} ({fmtPct(base.value ? (change / base.value) * 100 : 0)})
            </span>
          )}
          <span class="ranges">
            {(Object.keys(RANGES) as Range[]).map((k) => (
              <button
                type="button"
                key={k}
                class={{ ghost: true, active: range.value === k }}
                onClick={() => (range.value = k)}
              >
                {k}
              </button>
            ))}
          </span>
        </header>
        {drawdown.value && (
          <small
            class="muted"
            data-testid="equity-drawdown"
            title={`The largest fall from a peak in the last ${range.value}`}
          >
            Max drawdown {fmtUsd(drawdown.value.amount)} ({drawdown.value.pct.toFixed(2)}%)
          </small>
        )}
        <div class="equity-chart" ref={el} data-testid="equity-chart" />
        {error.value && <small class="error">{error.value}</small>}
      </div>
    );
  };
});
