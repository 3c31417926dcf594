// The order book of one instrument: asks above, bids below, each level with a bar for the
// cumulative size, the spread between; a click on a price hands it to `onPrice`.
import { computed, defineComponent } from "vue";
import type { Level } from "../../client/types.ts";
import { useOrderBook } from "../../vue/market.ts";
import { fmtQty } from "../format.ts";

interface Row {
  px: string;
  sz: string;
  cum: number;
}

function rows(levels: Level[], depth: number): Row[] {
  let cum = 0;
  return levels.slice(0, depth).map(([px, sz]) => ({ px, sz, cum: (cum += Number(sz)) }));
}

export const OrderBook = defineComponent(
  (props: { instId: string; depth?: number; onPrice?: (px: string) => void }) => {
    const book = useOrderBook(() => props.instId);
    const view = computed(() => {
      const b = book.value;
      const depth = props.depth ?? 12;
      const asks = b ? rows(b.asks, depth) : [];
      const bids = b ? rows(b.bids, depth) : [];
      const max = Math.max(asks.at(-1)?.cum ?? 0, bids.at(-1)?.cum ?? 0, 1e-12);
      const bestAsk = Number(b?.asks[0]?.[0]);
      const bestBid = Number(b?.bids[0]?.[0]);
      const spread = Number.isFinite(bestAsk) && Number.isFinite(bestBid) ? bestAsk - bestBid : null;
      return { asks: asks.reverse(), bids, max, spread, mid: spread === null ? null : (bestAsk + bestBid) / 2 };
    });
    // Rows keyed by their place, not their price: a moving book changes text, not rows.
    const line = (r: Row, i: number, side: "ask" | "bid", max: number) => (
      <tr key={`${side}${i}`} class={side} onClick={() => props.onPrice?.(r.px)}>
        <td class="num px">{r.px}</td>
        <td class="num">{fmtQty(r.sz)}</td>
        <td class="num depth">
          <span class="bar" style={{ width: `${(r.cum / max) * 100}%` }} />
          {fmtQty(r.cum)}
        </td>
      </tr>
    );
    return () => {
      const v = view.value;
      return (
        <section class="card book" data-testid="book">
          <h2>Order book</h2>
          {!book.value ? (
            <p class="empty">No book yet.</p>
          ) : (
            <table class="grid">
              <thead>
                <tr>
                  <th class="num">Price</th>
                  <th class="num">Size</th>
                  <th class="num">Total</th>
                </tr>
              </thead>
              <tbody>
                {v.asks.map((r, i) => line(r, v.asks.length - i, "ask", v.max))}
                <tr class="spread">
                  <td colspan={3}>
                    spread {v.spread === null ? "–" : Number(v.spread.toPrecision(6))}
                    {v.mid !== null && v.spread !== null && v.mid > 0 && (
                      <small> ({((v.spread / v.mid) * 1e4).toFixed(2)} bp)</small>
                    )}
                  </td>
                </tr>
                {v.bids.map((r, i) => line(r, i, "bid", v.max))}
              </tbody>
            </table>
          )}
        </section>
      );
    };
  },
  { props: ["instId", "depth", "onPrice"] },
);
