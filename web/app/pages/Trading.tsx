// Trading: the ticket beside the selected instrument's book, open orders, fills, positions,
// balances and the order history.
import { defineComponent } from "vue";
import { Balances } from "../parts/Balances.tsx";
import { Fills } from "../parts/Fills.tsx";
import { OpenOrders } from "../parts/OpenOrders.tsx";
import { OrderBook } from "../parts/OrderBook.tsx";
import { OrderHistory } from "../parts/OrderHistory.tsx";
import { OrderTicket } from "../parts/OrderTicket.tsx";
import { Positions } from "../parts/Positions.tsx";
import { handPrice, pick, useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

export const Trading = defineComponent(() => {
  const { instruments, selected } = useSelection();
  const { canTrade } = useSession();
  return () => (
    <div class="trading">
      {canTrade.value && selected.value && (
        <OrderTicket instId={selected.value} instruments={instruments.value} onInstrument={pick} />
      )}
      {selected.value && (
        <OrderBook instId={selected.value} depth={8} onPrice={(px: string) => handPrice(selected.value, px)} />
      )}
      <OpenOrders canTrade={canTrade.value} />
      <Positions />
      <Balances />
      <Fills />
      <OrderHistory />
    </div>
  );
});
