// The account's equity in the bar (and its unrealized PnL when there is any), live: what a trader
// checks first, on every page.
import { defineComponent } from "vue";
import { useAccount } from "../vue/account.ts";

/** 202199.22 -> "202,199.22" (two decimals: a total in USD). */
const usd = (v: string) => Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const Equity = defineComponent(() => {
  const account = useAccount();
  return () => {
    const a = account.value;
    if (!a) return null;
    const upl = Number(a.upl);
    return (
      <span class="equity" data-testid="equity" title="The account's total equity in USD, and its unrealized PnL">
        <small class="muted">Equity</small> {usd(a.totalEq)}
        {upl !== 0 && (
          <small class={upl > 0 ? "up" : "down"}>
            {" "}
            {upl > 0 ? "+" : ""}
            {usd(a.upl)}
          </small>
        )}
      </span>
    );
  };
});
