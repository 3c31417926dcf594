// Instruments with their live last price, 24h change, best bid/ask and volume; a row re-renders
// only when its own ticker changes (it reads the map itself: the table depends on the keys
// only); a click selects the instrument.
import { computed, defineComponent, shallowRef, watch } from "vue";
import type { Ticker } from "../../client/types.ts";
import { fmtPct, fmtQty, pctChange } from "../format.ts";

const Row = defineComponent(
  (props: { tickers: Map<string, Ticker>; instId: string; selected: boolean; onPick: (instId: string) => void }) => {
    const ticker = computed(() => props.tickers.get(props.instId));
    const dir = shallowRef<"up" | "down" | "">("");
    watch(
      () => ticker.value?.last,
      (now, before) => {
        if (before !== undefined && now !== before) dir.value = Number(now) > Number(before) ? "up" : "down";
      },
    );
    const change = computed(() => pctChange(ticker.value?.last, ticker.value?.open24h));
    return () => {
      const t = ticker.value;
      if (!t) return null;
      const ch = change.value;
      return (
        <tr
          class={{ selected: props.selected }}
          onClick={() => props.onPick(t.instId)}
          data-testid={`ticker-${t.instId}`}
        >
          <td class="inst">{t.instId}</td>
          <td class={`num last ${dir.value}`} data-testid="last">
            {t.last}
          </td>
          <td class={`num ${ch === null ? "" : ch >= 0 ? "up" : "down"}`}>{fmtPct(ch)}</td>
          <td class="num wide-only">{t.bidPx}</td>
          <td class="num wide-only">{t.askPx}</td>
          <td class="num hide-narrow">{fmtQty(t.volCcy24h)}</td>
        </tr>
      );
    };
  },
  { props: ["tickers", "instId", "selected", "onPick"] },
);

export const TickerTable = defineComponent(
  (props: { tickers: Map<string, Ticker>; selected: string; onPick: (instId: string) => void }) => {
    const ids = computed(() => [...props.tickers.keys()].sort());
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
            <Row key={id} tickers={props.tickers} instId={id} selected={id === props.selected} onPick={props.onPick} />
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
