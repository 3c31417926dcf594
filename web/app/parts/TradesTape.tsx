// The trades tape of one instrument, newest first, coloured by the taker's side.
import { computed, defineComponent } from "vue";
import { useInstrument, useTrades } from "../../vue/market.ts";
import { digitsOf, fmtPx, fmtSz, fmtTime } from "../format.ts";

export const TradesTape = defineComponent(
  (props: { instId: string; rows?: number }) => {
    const trades = useTrades(() => props.instId);
    const inst = useInstrument(() => props.instId);
    const digits = computed(() => digitsOf(inst.value));
    return () => (
      <section class="card tape" data-testid="trades">
        <h2>Trades</h2>
        <div class="rows">
          <table class="grid">
            <thead>
              <tr>
                <th>Time</th>
                <th class="num">Price</th>
                <th class="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {trades.value.slice(0, props.rows ?? 30).map((t) => (
                <tr key={t.tradeId}>
                  <td>{fmtTime(t.ts)}</td>
                  <td class={`num ${t.side === "buy" ? "up" : "down"}`}>{fmtPx(t.px, digits.value?.px)}</td>
                  <td class="num">{fmtSz(t.sz, digits.value?.sz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    );
  },
  { props: ["instId", "rows"] },
);
