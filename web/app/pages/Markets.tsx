// Markets: every instrument live, and for the selected one the chart, the book and the tape.
import { defineComponent } from "vue";
import { CandleChart } from "../parts/CandleChart.tsx";
import { OrderBook } from "../parts/OrderBook.tsx";
import { TickerTable } from "../parts/TickerTable.tsx";
import { TradesTape } from "../parts/TradesTape.tsx";
import { pick, useSelection } from "../selection.ts";

export const Markets = defineComponent(() => {
  const { tickers, selected } = useSelection();
  return () => (
    <div class="markets">
      <section class="card instruments">
        <h2>Instruments</h2>
        <TickerTable tickers={tickers} selected={selected.value} onPick={pick} />
      </section>
      {selected.value && (
        <>
          <CandleChart key={`chart-${selected.value}`} instId={selected.value} />
          <OrderBook instId={selected.value} />
          <TradesTape instId={selected.value} />
        </>
      )}
    </div>
  );
});
