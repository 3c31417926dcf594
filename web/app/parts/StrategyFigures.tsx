// A built-in strategy's live figures: PnL, its positions, its open orders (by price, the highest
// first: a grid reads as a ladder) and its counters.
import { defineComponent } from "vue";
import type { StrategyFigures } from "../../client/types.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtSz, fmtWhen } from "../format.ts";

const money = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");
const sign = (n: number) => (n > 0 ? "up" : n < 0 ? "down" : "");

export const StrategyFiguresView = defineComponent(
  (props: { figures: StrategyFigures }) => {
    const digits = useDigits();
    return () => {
      const f = props.figures;
      const c = f.counters;
      const orders = [...f.openOrders].sort((a, b) => Number(b.px) - Number(a.px));
      return (
        <div class="figures" data-testid="strategy-figures">
          <dl class="facts">
            <dt>PnL</dt>
            <dd>
              <strong class={sign(f.pnl.total)} data-testid="strategy-pnl">
                {money(f.pnl.total)}
              </strong>{" "}
              <small class="muted">
                realized {money(f.pnl.realized)} · unrealized {money(f.pnl.unrealized)} · fees {money(f.pnl.fees)}
              </small>
            </dd>
            <dt>orders</dt>
            <dd data-testid="strategy-counters">
              {f.openOrders.length} open · {c.ordersPlaced} placed · {c.ordersRejected} rejected · {c.ordersCanceled}{" "}
              canceled · {c.fills} fills
            </dd>
            {f.startedAt !== null && (
              <>
                <dt>started</dt>
                <dd>{fmtWhen(f.startedAt)}</dd>
              </>
            )}
            {f.lastError && (
              <>
                <dt>last error</dt>
                <dd class="down">
                  {fmtWhen(f.lastError.ts)} {f.lastError.message}
                </dd>
              </>
            )}
          </dl>
          {f.positions.length > 0 && (
            <table class="grid">
              <thead>
                <tr>
                  <th>Instrument</th>
                  <th class="num">Pos</th>
                  <th class="num">Avg px</th>
                  <th class="num">Last</th>
                  <th class="num">Unrealized</th>
                  <th class="num">Realized</th>
                </tr>
              </thead>
              <tbody>
                {f.positions.map((p) => (
                  <tr key={p.instId}>
                    <td>{p.instId}</td>
                    <td class={`num ${sign(p.pos)}`}>{fmtSz(p.pos, digits(p.instId)?.sz)}</td>
                    <td class="num">{p.avgPx ? fmtPx(p.avgPx, digits(p.instId)?.px) : "–"}</td>
                    <td class="num">{p.lastPx === null ? "–" : fmtPx(p.lastPx, digits(p.instId)?.px)}</td>
                    <td class={`num ${sign(p.unrealizedPnl)}`}>{money(p.unrealizedPnl)}</td>
                    <td class={`num ${sign(p.realizedPnl)}`}>{money(p.realizedPnl)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {f.openOrders.length > 0 && (
            <table class="grid" data-testid="strategy-orders">
              <thead>
                <tr>
                  <th>Order</th>
                  <th>Side</th>
                  <th class="num">Px</th>
                  <th class="num">Size</th>
                  <th class="num">Filled</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((o) => (
                  <tr key={o.clOrdId}>
                    <td>
                      {o.instId} <small class="muted">{o.ordId || o.clOrdId}</small>
                    </td>
                    <td class={o.side === "buy" ? "up" : "down"}>{o.side}</td>
                    <td class="num">{fmtPx(o.px, digits(o.instId)?.px)}</td>
                    <td class="num">{fmtSz(o.sz, digits(o.instId)?.sz)}</td>
                    <td class="num">{fmtSz(o.filledSz, digits(o.instId)?.sz)}</td>
                    <td>{o.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      );
    };
  },
  { props: ["figures"] },
);
