// Trading: the ticket beside the selected instrument's book, open orders, fills, positions,
// balances and the order history.
import { defineComponent, shallowRef } from "vue";
import { Balances, Fills } from "../parts/AccountTables.tsx";
import { OpenOrders } from "../parts/OpenOrders.tsx";
import { OrderBook } from "../parts/OrderBook.tsx";
import { OrderHistory } from "../parts/OrderHistory.tsx";
import { OrderTicket } from "../parts/OrderTicket.tsx";
import { Positions } from "../parts/Positions.tsx";
import { pick, useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

export const Trading = defineComponent(() => {
  const { instruments, selected } = useSelection();
  const { canTrade } = useSession();
  const price = shallowRef<string | undefined>(undefined);
  return () => (
    <div class="trading">
      {canTrade.value && selected.value && (
        <OrderTicket instId={selected.value} instruments={instruments.value} onInstrument={pick} price={price.value} />
      )}
      {selected.value && <OrderBook instId={selected.value} depth={8} onPrice={(px: string) => (price.value = px)} />}
      <OpenOrders canTrade={canTrade.value} />
      <Positions />
      <Balances />
      <Fills />
      <OrderHistory />
    </div>
  );
});
