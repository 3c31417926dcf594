// Instruments with their live last price, 24h change, best bid/ask and volume; a click selects
// the instrument. The table renders its rows (one per instrument, keyed); each row re-renders
// only when it is (de)selected, and writes its prices in place when its ticker changes: fifty
// instruments ticking ten times a second cost text writes, not re-renders.
//
// The list repaints five times a second, in every second update of the page: fifty prices
// changing ten times a second cannot be read at that rate, while the selected instrument's book,
// tape and chart, where a trader acts, keep every update. The list's text is most of a frame's
// layout, so this takes it out of every other frame.
import { computed, defineComponent, onMounted, onUnmounted, shallowRef, watch } from "vue";
import type { Instrument } from "../../client/rest.ts";
import type { Ticker } from "../../client/types.ts";
import { onNextFrame } from "../../vue/frame.ts";
import { useInstruments } from "../../vue/market.ts";
import { type Digits, digitsOf, fmtPct, fmtPx, fmtQty, pctChange } from "../format.ts";
import { LiveCell } from "../live.ts";

/** The least time between two repaints of the list. */
const LIST_GAP_MS = 200;
/** Each mounted row's paint; a row writes only when its ticker changed since it last painted. */
const rows = new Set<() => void>();
/** Runs after the stores' flush in the same update, so every row shows what that update brought. */
const repaint = () => {
  for (const paint of rows) paint();
};

const Row = defineComponent(
  (props: {
    tickers: Map<string, Ticker>;
    instruments: Map<string, Instrument>;
    instId: string;
    selected: boolean;
    onPick: (instId: string) => void;
  }) => {
    const ticker = computed(() => props.tickers.get(props.instId));
    const row = shallowRef<HTMLTableRowElement | null>(null);
    let cells: LiveCell[] = [];
    let dir = "";
    /** The ticker the row shows; its last price against the new one gives the arrow's direction. */
    let painted: Ticker | undefined;
    /** The instrument's decimals, once its rules are loaded. */
    let digits: Digits | undefined;
    const paint = () => {
      const t = ticker.value;
      const [last, change, bid, ask, vol] = cells;
      if (t === painted || !t || !last || !change || !bid || !ask || !vol) return;
      if (painted && t.last !== painted.last) dir = Number(t.last) > Number(painted.last) ? " up" : " down";
      painted = t;
      digits ??= digitsOf(props.instruments.get(props.instId));
      last.set(fmtPx(t.last, digits?.px), `num last${dir}`);
      const ch = pctChange(t.last, t.open24h);
      change.set(fmtPct(ch), ch === null ? "num" : ch >= 0 ? "num up" : "num down");
      bid.set(fmtPx(t.bidPx, digits?.px));
      ask.set(fmtPx(t.askPx, digits?.px));
      vol.set(fmtQty(t.volCcy24h));
    };
    onMounted(() => {
      cells = [...(row.value?.cells ?? [])].slice(1).map((td) => new LiveCell(td));
      rows.add(paint);
      paint();
    });
    watch(ticker, () => onNextFrame(repaint, LIST_GAP_MS));
    onUnmounted(() => rows.delete(paint));
    return () => (
      <tr
        ref={row}
        class={{ selected: props.selected }}
        onClick={() => props.onPick(props.instId)}
        data-testid={`ticker-${props.instId}`}
      >
        <td class="inst">{props.instId}</td>
        <td class="num last" data-testid="last" />
        <td class="num" />
        <td class="num wide-only" />
        <td class="num wide-only" />
        <td class="num hide-narrow" />
      </tr>
    );
  },
  { props: ["tickers", "instruments", "instId", "selected", "onPick"] },
);

export const TickerTable = defineComponent(
  (props: { tickers: Map<string, Ticker>; selected: string; onPick: (instId: string) => void }) => {
    const ids = computed(() => [...props.tickers.keys()].sort());
    const instruments = useInstruments();
    return () => (
      <table class="grid tickers" data-testid="tickers">
        <thead>
          <tr>
            <th>Instrument</th>
            <th class="num">Last</th>
            <th class="num">24h</th>
            <th class="num wide-only">Bid</th>
            <th class="num wide-only">Ask</th>
            <th class="num hide-narrow">Vol 24h</th>
          </tr>
        </thead>
        <tbody>
          {ids.value.map((id) => (
            <Row
              key={id}
              tickers={props.tickers}
              instruments={instruments}
              instId={id}
              selected={id === props.selected}
              onPick={props.onPick}
            />
          ))}
          {ids.value.length === 0 && (
            <tr>
              <td colspan={6} class="empty">
                Waiting for market data…
              </td>
            </tr>
          )}
        </tbody>
      </table>
    );
  },
  { props: ["tickers", "selected", "onPick"] },
);
