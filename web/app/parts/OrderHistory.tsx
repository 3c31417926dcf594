// Closed orders, newest first: filled, canceled or rejected, with what was filled and at what
// average price (recorded history, then live from the stream).
import { defineComponent } from "vue";
import { useOrderHistory } from "../../vue/account.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtSz, fmtWhen } from "../format.ts";
import { StrategyTag } from "./StrategyTag.tsx";

export const OrderHistory = defineComponent(() => {
  const closed = useOrderHistory();
  const digits = useDigits();
  return () => (
    <section class="card history" data-testid="order-history">
      <h2>Order history</h2>
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>Time</th>
              <th>Instrument</th>
              <th>Side</th>
              <th class="hide-narrow">Type</th>
              <th class="num">Price</th>
              <th class="num hide-narrow">Avg px</th>
              <th class="num">Filled</th>
              <th class="num hide-narrow">Size</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {closed.value.map((o) => (
              <tr key={o.ordId} data-testid={`closed-${o.ordId}`}>
                <td>{fmtWhen(o.uTime)}</td>
                <td>
                  {o.instId}
                  <StrategyTag clOrdId={o.clOrdId} />
                </td>
                <td class={o.side === "buy" ? "up" : "down"}>{o.side}</td>
                <td class="hide-narrow">{o.ordType}</td>
                <td class="num">{o.px ? fmtPx(o.px, digits(o.instId)?.px) : "market"}</td>
                <td class="num hide-narrow">{Number(o.avgPx) > 0 ? fmtPx(o.avgPx, digits(o.instId)?.px) : "–"}</td>
                <td class="num">{fmtSz(o.accFillSz, digits(o.instId)?.sz)}</td>
                <td class="num hide-narrow">{fmtSz(o.sz, digits(o.instId)?.sz)}</td>
                <td class={`state ${o.state}`} data-testid="state">
                  {o.state.replace("_", " ")}
                </td>
              </tr>
            ))}
            {closed.value.length === 0 && (
              <tr>
                <td colspan={9} class="empty">
                  No closed orders yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
});
