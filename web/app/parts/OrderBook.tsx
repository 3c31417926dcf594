// The order book of one instrument: asks above, bids below, each level with a bar for the
// cumulative size (scaled: a moving book repaints it, not lays it out), the spread between; a
// click on a price hands it to `onPrice`. The rows are rendered once per depth (keyed by their
// place, best level next to the spread) and a moving book is written into them in place once per
// frame flush: text changes, not re-renders.
import { computed, defineComponent, onMounted, onUpdated, shallowRef, watch } from "vue";
import type { Book, Level } from "../../client/types.ts";
import { useOrderBook } from "../../vue/market.ts";
import { fmtQty } from "../format.ts";
import { LiveCell } from "../live.ts";

interface Row {
  px: string;
  sz: string;
  cum: number;
}

function rows(levels: Level[], depth: number): Row[] {
  let cum = 0;
  return levels.slice(0, depth).map(([px, sz]) => ({ px, sz, cum: (cum += Number(sz)) }));
}

/** One row's cells, bound to the DOM Vue rendered. */
interface Line {
  px: LiveCell;
  sz: LiveCell;
  total: LiveCell;
  bar: HTMLElement;
  scale: string;
}

function bindLine(tr: HTMLTableRowElement): Line | null {
  const [px, sz, total] = tr.cells;
  const bar = total?.firstElementChild;
  if (!px || !sz || !total || !(bar instanceof HTMLElement)) return null;
  return { px: new LiveCell(px), sz: new LiveCell(sz), total: new LiveCell(total), bar, scale: "" };
}

function putLine(l: Line, r: Row | undefined, max: number): void {
  l.px.set(r?.px ?? "");
  l.sz.set(r ? fmtQty(r.sz) : "");
  l.total.set(r ? fmtQty(r.cum) : "");
  // A scale, not a width: a transform repaints the bar without laying out the row.
  const scale = r ? `scaleX(${(r.cum / max).toFixed(3)})` : "scaleX(0)";
  if (scale !== l.scale) l.bar.style.transform = l.scale = scale;
}

export const OrderBook = defineComponent(
  (props: { instId: string; depth?: number; onPrice?: (px: string) => void }) => {
    const book = useOrderBook(() => props.instId);
    const has = computed(() => book.value !== undefined);
    const depth = computed(() => props.depth ?? 12);
    const body = shallowRef<HTMLTableSectionElement | null>(null);
    let asks: Line[] = [];
    let bids: Line[] = [];
    let spread: LiveCell | undefined;
    let bp: LiveCell | undefined;
    let boundTo: HTMLTableSectionElement | null = null;

    const bind = (el: HTMLTableSectionElement) => {
      const trs = [...el.rows];
      const n = depth.value;
      asks = trs.slice(0, n).flatMap((tr) => bindLine(tr) ?? []);
      bids = trs.slice(n + 1).flatMap((tr) => bindLine(tr) ?? []);
      const mid = trs[n]?.cells[0];
      const [s, b] = mid ? [...mid.querySelectorAll("span, small")] : [];
      spread = s instanceof HTMLElement ? new LiveCell(s) : undefined;
      bp = b instanceof HTMLElement ? new LiveCell(b) : undefined;
      boundTo = el;
    };

    const paint = (b: Book | undefined = book.value) => {
      const el = body.value;
      if (!b || !el) return;
      if (boundTo !== el || asks.length !== depth.value) bind(el);
      const n = depth.value;
      const a = rows(b.asks, n);
      const d = rows(b.bids, n);
      const max = Math.max(a.at(-1)?.cum ?? 0, d.at(-1)?.cum ?? 0, 1e-12);
      // Asks from the top: the worst shown first, the best next to the spread.
      for (const [i, l] of asks.entries()) putLine(l, a[n - 1 - i], max);
      for (const [i, l] of bids.entries()) putLine(l, d[i], max);
      const bestAsk = Number(b.asks[0]?.[0]);
      const bestBid = Number(b.bids[0]?.[0]);
      const sp = Number.isFinite(bestAsk) && Number.isFinite(bestBid) ? bestAsk - bestBid : null;
      const mid = sp === null ? null : (bestAsk + bestBid) / 2;
      spread?.set(sp === null ? "–" : String(Number(sp.toPrecision(6))));
      bp?.set(sp !== null && mid !== null && mid > 0 ? ` (${((sp / mid) * 1e4).toFixed(2)} bp)` : "");
    };
    watch(book, (b) => paint(b), { flush: "post" });
    onMounted(() => paint());
    onUpdated(() => paint());

    const line = (i: number, side: "ask" | "bid") => (
      <tr key={`${side}${i}`} class={side} onClick={() => pick(side, i)}>
        <td class="num px" />
        <td class="num" />
        <td class="num depth">
          <span class="bar" />
        </td>
      </tr>
    );
    const pick = (side: "ask" | "bid", i: number) => {
      const px = (side === "ask" ? asks : bids)[i]?.px.value;
      if (px) props.onPrice?.(px);
    };
    return () => {
      const n = depth.value;
      return (
        <section class="card book" data-testid="book">
          <h2>Order book</h2>
          {!has.value ? (
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
              <tbody ref={body}>
                {Array.from({ length: n }, (_, i) => line(i, "ask"))}
                <tr class="spread">
                  <td colspan={3}>
                    spread <span />
                    <small />
                  </td>
                </tr>
                {Array.from({ length: n }, (_, i) => line(i, "bid"))}
              </tbody>
            </table>
          )}
        </section>
      );
    };
  },
  { props: ["instId", "depth", "onPrice"] },
);
