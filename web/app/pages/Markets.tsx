// Markets: every instrument live, and for the selected one the chart, the book and the tape; a
// trader's click on a price in the book opens Trading with that price in the ticket.
import { defineComponent } from "vue";
import { CandleChart } from "../parts/CandleChart.tsx";
import { OrderBook } from "../parts/OrderBook.tsx";
import { TickerTable } from "../parts/TickerTable.tsx";
import { TradesTape } from "../parts/TradesTape.tsx";
import { go } from "../router.ts";
import { handPrice, pick, useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

export const Markets = defineComponent(() => {
  const { tickers, selected } = useSelection();
  const { canTrade } = useSession();
  const trade = (px: string) => {
    handPrice(selected.value, px);
    go("/trading");
  };
  return () => (
    <div class="markets">
      <section class="card instruments">
        <h2>Instruments</h2>
        <TickerTable tickers={tickers} selected={selected.value} onPick={pick} />
      </section>
      {selected.value && (
        <>
          <CandleChart key={`chart-${selected.value}`} instId={selected.value} />
          <OrderBook instId={selected.value} onPrice={canTrade.value ? trade : undefined} />
          <TradesTape instId={selected.value} />
        </>
      )}
    </div>
  );
});
