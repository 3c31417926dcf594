// What a backtest gave (POST /api/backtests): its PnL, drawdown, orders and fills, the total PnL at
// each bar's close as a line (green above zero, red below) over the price (on the left scale) with
// its fills as arrows (lightweight-charts, attribution in web/NOTICE), its last fills and its log. The period and the fill model are said with it: a
// backtest of whole fills at the bars' prices is an estimate, not a promise.
import type { IChartApi } from "lightweight-charts";
import { defineComponent, onBeforeUnmount, onMounted, shallowRef } from "vue";
import type { BacktestResult } from "../../client/rest.ts";
import { CHART_LOOK, chartTime, GAIN_LOSS_LOOK } from "../chart-look.ts";
import { useDigits } from "../digits.ts";
import { atOrAfter, type FillMark, fillMarks } from "../fill-marks.ts";
import { fmtDateTime, fmtPx, fmtSz, fmtTime } from "../format.ts";
import { fillMarkers } from "./chart-lines.ts";

const money = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");
const sign = (n: number) => (n > 0 ? "up" : n < 0 ? "down" : "");
const SHOWN_FILLS = 20;
const SHOWN_LOGS = 20;

const Curve = defineComponent(
  (props: { points: BacktestResult["curve"]; fills: BacktestResult["fills"] }) => {
    const el = shallowRef<HTMLDivElement & { marks?: FillMark[] }>();
    let chart: IChartApi | undefined;
    onMounted(async () => {
      const lw = await import("lightweight-charts");
      if (!el.value) return;
      chart = lw.createChart(el.value, {
        ...CHART_LOOK,
        grid: { ...CHART_LOOK.grid, vertLines: { visible: false } },
        leftPriceScale: { visible: true, borderVisible: false },
      });
      const price = chart.addSeries(lw.LineSeries, {
        priceScaleId: "left",
        color: "#7d8896",
        lineWidth: 1,
        priceLineVisible: false,
        lastValueVisible: false,
      });
      price.setData(props.points.map((p) => ({ time: chartTime(p.ts), value: p.px })));
      const spacing = props.points.length > 1 ? props.points[1]!.ts - props.points[0]!.ts : 60_000;
      const marks = fillMarks(
        props.fills.map((f) => ({ ts: f.ts, side: f.side, fillSz: String(f.sz) })),
        spacing,
        (ts) => atOrAfter(props.points, ts),
      );
      el.value.marks = marks;
      // Arrows without their text: hundreds of fills would write over each other (the table says them).
      lw.createSeriesMarkers(price, fillMarkers(marks.map((m) => ({ ...m, text: "" }))));
      const pnl = chart.addSeries(lw.BaselineSeries, { ...GAIN_LOSS_LOOK, baseValue: { type: "price", price: 0 } });
      pnl.setData(props.points.map((p) => ({ time: chartTime(p.ts), value: p.total })));
      chart.timeScale().fitContent();
    });
    onBeforeUnmount(() => chart?.remove());
    return () => <div class="pnl-chart backtest-chart" ref={el} data-testid="backtest-curve" />;
  },
  { props: ["points", "fills"] },
);

export const BacktestView = defineComponent(
  (props: { result: BacktestResult }) => {
    const digits = useDigits();
    return () => {
      const r = props.result;
      const d = digits(r.instId);
      const fills = r.fills.slice(-SHOWN_FILLS).reverse();
      return (
        <section class="backtest" data-testid="backtest">
          <h3>
            Backtest: {r.instId}, {r.bars} bars of {r.bar}{" "}
            <small class="muted">
              {fmtDateTime(r.from)} – {fmtDateTime(r.to)} · {r.elapsedMs} ms
            </small>
          </h3>
          <dl class="facts">
            <dt>PnL</dt>
            <dd>
              <strong class={sign(r.pnl.total)} data-testid="backtest-pnl">
                {money(r.pnl.total)}
              </strong>{" "}
              <small class="muted">
                realized {money(r.pnl.realized)} · unrealized {money(r.pnl.unrealized)} · fees {money(r.pnl.fees)}
              </small>
            </dd>
            <dt>drawdown</dt>
            <dd data-testid="backtest-drawdown">{money(r.maxDrawdown)} at most</dd>
            <dt>orders</dt>
            <dd data-testid="backtest-orders">
              {r.orders.placed} placed · {r.orders.refused} refused · {r.orders.filled} filled · {r.orders.canceled}{" "}
              canceled · volume {money(r.volume)}
            </dd>
            <dt>at the end</dt>
            <dd>
              position {fmtSz(r.position.pos, d?.sz)}
              {r.position.pos !== 0 && ` at ${fmtPx(r.position.avgPx, d?.px)}`} · last {fmtPx(r.position.lastPx, d?.px)}
            </dd>
            {r.ended && (
              <>
                <dt>ended</dt>
                <dd data-testid="backtest-ended">{r.ended}</dd>
              </>
            )}
          </dl>
          <Curve key={`${r.from}-${r.to}-${r.pnl.total}`} points={r.curve} fills={r.fills} />
          <p class="muted hint">
            Each bar walked open, low, high, close (high first when it closed down); whole fills at the touch or at a
            resting order's price, no queue: an estimate.
          </p>
          {fills.length > 0 && (
            <table class="grid" data-testid="backtest-fills">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Side</th>
                  <th class="num">Price</th>
                  <th class="num">Size</th>
                  <th class="num">Fee</th>
                  <th>Liquidity</th>
                </tr>
              </thead>
              <tbody>
                {fills.map((f, i) => (
                  <tr key={`${f.ts}-${i}`}>
                    <td>{fmtTime(f.ts)}</td>
                    <td class={f.side === "buy" ? "up" : "down"}>{f.side}</td>
                    <td class="num">{fmtPx(f.px, d?.px)}</td>
                    <td class="num">{fmtSz(f.sz, d?.sz)}</td>
                    <td class="num">{f.fee.toFixed(4)}</td>
                    <td>{f.maker ? "maker" : "taker"}</td>
                  </tr>
                ))}
              </tbody>
              {r.fillCount > fills.length && (
                <caption class="muted">
                  the last {fills.length} of {r.fillCount} fills
                </caption>
              )}
            </table>
          )}
          <ol class="log" data-testid="backtest-log">
            {r.logs.slice(-SHOWN_LOGS).map((l, i) => (
              <li key={`${l.ts}-${i}`} class={l.level}>
                <time>{fmtTime(l.ts)}</time> {l.msg}
              </li>
            ))}
          </ol>
        </section>
      );
    };
  },
  { props: ["result"] },
);
