// The order book of one instrument: asks above, bids below, each level with a bar for the
// cumulative size, the spread between; a click on a price hands it to `onPrice`. The levels are
// drawn on a canvas by a Worker of their own (book/painter.ts): a book that moves ten times a
// second costs the page's main thread one message per update, not a layout and paint of its
// rows. The header is a table, so the columns line up with the page's other tables.
import { computed, defineComponent, onBeforeUnmount, shallowRef, watch } from "vue";
import { useOrders } from "../../vue/account.ts";
import { useInstrument, useOrderBook } from "../../vue/market.ts";
import { type BookFrame, bookFrame, type MyLevels } from "../book/frame.ts";
import { bookHeight, lineAt } from "../book/geometry.ts";
import { type BookPainter, bookPainter, readLook } from "../book/painter.ts";
import { digitsOf } from "../format.ts";

/** The canvas carries the frame it last drew: its text for scripts and tests. */
export type BookCanvas = HTMLCanvasElement & { bookFrame?: BookFrame; bookMine?: MyLevels };

/** How often the canvas's label (what a screen reader reads) follows the book. */
const LABEL_MS = 1000;

export const OrderBook = defineComponent(
  (props: { instId: string; depth?: number; onPrice?: (px: string) => void }) => {
    const book = useOrderBook(() => props.instId);
    const { list: openOrders } = useOrders();
    /** The user's open orders on this instrument by price: sells rest among the asks, buys among the bids. */
    const mine = computed((): MyLevels => {
      const levels: MyLevels = { asks: new Map(), bids: new Map() };
      for (const o of openOrders.value) {
        if (o.instId !== props.instId || !(Number(o.px) > 0)) continue;
        const side = o.side === "sell" ? levels.asks : levels.bids;
        const left = Number(o.sz) - Number(o.accFillSz || 0);
        side.set(Number(o.px), (side.get(Number(o.px)) ?? 0) + left);
      }
      return levels;
    });
    const inst = useInstrument(() => props.instId);
    const digits = computed(() => digitsOf(inst.value));
    const has = computed(() => book.value !== undefined);
    const depth = computed(() => props.depth ?? 12);
    const canvas = shallowRef<BookCanvas | null>(null);
    let painter: BookPainter | undefined;
    let paintedOn: BookCanvas | null = null;
    let resize: ResizeObserver | undefined;
    let labelled = 0;
    let hovered = "";

    const setUp = (el: BookCanvas) => {
      painter?.dispose();
      resize?.disconnect();
      painter = bookPainter(el, readLook(el));
      paintedOn = el;
      resize = new ResizeObserver(([entry]) => {
        const w = entry?.contentRect.width ?? 0;
        // Device pixels when the browser gives them (they also change with zoom and screen, at the same size in CSS pixels).
        const px = entry?.devicePixelContentBoxSize?.[0]?.inlineSize;
        if (w > 0) painter?.size(w, bookHeight(depth.value), px ? px / w : devicePixelRatio || 1);
      });
      try {
        resize.observe(el, { box: "device-pixel-content-box" });
      } catch {
        resize.observe(el);
      }
    };

    const paint = () => {
      const el = canvas.value;
      const b = book.value;
      if (!el || !b) return;
      if (paintedOn !== el) setUp(el);
      const f = bookFrame(b, depth.value, digits.value, mine.value);
      el.bookFrame = f;
      el.bookMine = mine.value;
      painter?.frame(f);
      const now = performance.now();
      if (now - labelled >= LABEL_MS) {
        labelled = now;
        const bid = f.bids[0]?.px;
        const ask = f.asks.at(-1)?.px;
        el.ariaLabel = `Order book of ${props.instId}: best bid ${bid ?? "none"}, best ask ${ask ?? "none"}, spread ${f.spread}`;
      }
    };
    watch([book, canvas, depth, digits, mine], paint, { flush: "post" });
    onBeforeUnmount(() => {
      painter?.dispose();
      resize?.disconnect();
    });

    const at = (e: MouseEvent) => {
      const el = e.currentTarget as BookCanvas;
      return lineAt(e.clientY - el.getBoundingClientRect().top, depth.value);
    };
    const pick = (e: MouseEvent) => {
      const l = at(e);
      const f = (e.currentTarget as BookCanvas).bookFrame;
      const px = l && f ? (l.side === "ask" ? f.asks : f.bids)[l.i]?.px : undefined;
      if (px) props.onPrice?.(px);
    };
    const hover = (e: MouseEvent | null) => {
      const l = e ? at(e) : null;
      const key = l ? `${l.side}${l.i}` : "";
      if (key === hovered) return;
      hovered = key;
      painter?.hover(l);
    };

    return () => (
      <section class="card book" data-testid="book">
        <h2>Order book</h2>
        {!has.value ? (
          <p class="empty">No book yet.</p>
        ) : (
          <>
            <table class="grid">
              <thead>
                <tr>
                  <th class="num">Price</th>
                  <th class="num">Size</th>
                  <th class="num">Total</th>
                </tr>
              </thead>
            </table>
            <canvas
              ref={canvas}
              class={{ "book-levels": true, pickable: props.onPrice !== undefined }}
              role="img"
              title={props.onPrice ? "A click puts the price in the order ticket" : undefined}
              style={{ height: `${bookHeight(depth.value)}px` }}
              onClick={pick}
              onMousemove={props.onPrice ? hover : undefined}
              onMouseleave={() => hover(null)}
            />
          </>
        )}
      </section>
    );
  },
  { props: ["instId", "depth", "onPrice"] },
);
