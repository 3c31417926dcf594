// A strategy's total PnL over its run as a line, green above zero and red below: the curve
// GET /api/strategies/:id/pnl holds, then each live total from its figures (the latest in each
// bucket of the curve's `everyMs`, as the server keeps it). A new run (a new startedAt) loads the
// curve anew. lightweight-charts (TradingView attribution kept, web/NOTICE), loaded on first use.
import type { IChartApi, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { defineComponent, onBeforeUnmount, onMounted, shallowRef, watch } from "vue";
import { useTradewire } from "../../vue/context.ts";
import { CHART_LOOK, chartTime, GAIN_LOSS_LOOK } from "../chart-look.ts";

/** The curve's area carries its series: for scripts and tests. */
export type PnlArea = HTMLDivElement & { pnl?: ISeriesApi<"Baseline"> };

export const PnlChart = defineComponent(
  (props: { id: string; total: number; startedAt: number | null }) => {
    const tw = useTradewire();
    const el = shallowRef<PnlArea | null>(null);
    const error = shallowRef("");
    let chart: IChartApi | undefined;
    let series: ISeriesApi<"Baseline"> | undefined;
    let everyMs = 10_000;
    /** The newest point's time: a live point never goes before it (the two clocks differ a little). */
    let newest = 0 as UTCTimestamp;
    let loaded = false;
    let gen = 0;

    const follow = (total: number) => {
      if (!loaded || !series || props.startedAt === null || !Number.isFinite(total)) return;
      const time = Math.max(newest, chartTime(Math.floor(Date.now() / everyMs) * everyMs)) as UTCTimestamp;
      series.update({ time, value: total });
      newest = time;
    };
    const load = async () => {
      const my = ++gen;
      loaded = false;
      try {
        const curve = await tw.rest.strategies.pnl(props.id);
        if (my !== gen || !series) return;
        everyMs = curve.everyMs;
        const data = curve.data.map((p) => ({ time: chartTime(p.ts), value: p.total }));
        series.setData(data);
        newest = data.at(-1)?.time ?? (0 as UTCTimestamp);
        chart?.timeScale().fitContent();
        loaded = true;
        error.value = "";
        follow(props.total);
      } catch (err) {
        if (my === gen) error.value = `PnL curve: ${(err as Error).message}`;
      }
    };

    onMounted(async () => {
      const lw = await import("lightweight-charts");
      if (!el.value) return;
      chart = lw.createChart(el.value, { ...CHART_LOOK, grid: { ...CHART_LOOK.grid, vertLines: { visible: false } } });
      series = chart.addSeries(lw.BaselineSeries, { ...GAIN_LOSS_LOOK, baseValue: { type: "price", price: 0 } });
      el.value.pnl = series;
      await load();
    });
    watch(() => props.total, follow);
    watch([() => props.id, () => props.startedAt], () => void load());
    onBeforeUnmount(() => chart?.remove());

    return () => (
      <div class="pnl-curve">
        <div class="pnl-chart" ref={el} data-testid="strategy-pnl-chart" />
        {error.value && <small class="error">{error.value}</small>}
      </div>
    );
  },
  { props: ["id", "total", "startedAt"] },
);
