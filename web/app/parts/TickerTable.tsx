// Instruments with their live last price, 24h change, best bid/ask and volume; a row re-renders
// only when its own ticker changes; a click selects the instrument.
import { computed, defineComponent, shallowRef, watch } from "vue";
import type { Ticker } from "../../client/types.ts";
import { fmtPct, fmtQty, pctChange } from "../format.ts";

const Row = defineComponent(
  (props: { ticker: Ticker; selected: boolean; onPick: (instId: string) => void }) => {
    const dir = shallowRef<"up" | "down" | "">("");
    watch(
      () => props.ticker.last,
      (now, before) => {
        if (before !== undefined && now !== before) dir.value = Number(now) > Number(before) ? "up" : "down";
      },
    );
    const change = computed(() => pctChange(props.ticker.last, props.ticker.open24h));
    return () => {
      const t = props.ticker;
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
  { props: ["ticker", "selected", "onPick"] },
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
            <Row key={id} ticker={props.tickers.get(id)!} selected={id === props.selected} onPick={props.onPick} />
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
