// The account's equity in the bar (and its unrealized PnL when there is any), live: what a trader
// checks first, on every page.
import { defineComponent } from "vue";
import { useAccount } from "../vue/account.ts";
import { fmtUsd } from "./format.ts";

export const Equity = defineComponent(() => {
  const account = useAccount();
  return () => {
    const a = account.value;
    if (!a) return null;
    const upl = Number(a.upl);
    return (
      <span class="equity" data-testid="equity" title="The account's total equity in USD, and its unrealized PnL">
        <small class="muted">Equity</small> {fmtUsd(a.totalEq)}
        {upl !== 0 && (
          <small class={upl > 0 ? "up" : "down"}>
            {" "}
            {upl > 0 ? "+" : ""}
            {fmtUsd(a.upl)}
          </small>
        )}
      </span>
    );
  };
});
