// A swap position's cell for its next funding: what it pays (negative) or receives when the
// current period ends, at the mark and the current rate (`fundingPayment`); "–" where there is none.
import { defineComponent } from "vue";
import type { Position } from "../../client/types.ts";
import { useFunding } from "../../vue/market.ts";
import { fmtWhen } from "../format.ts";
import { fmtFundingRate, fundingPayment } from "../funding.ts";

export const PositionFunding = defineComponent(
  (props: { position: Position; ctVal: number }) => {
    const funding = useFunding(() => props.position.instId);
    return () => {
      const f = funding.value;
      const p = props.position;
      const pay = f ? fundingPayment(Number(p.pos), props.ctVal, Number(p.markPx), Number(f.fundingRate)) : null;
      const ok = pay !== null && Number.isFinite(pay);
      return (
        <td
          class={`num wide-only ${ok && pay > 0 ? "up" : ok && pay < 0 ? "down" : ""}`}
          data-testid="position-funding"
          title={
            f
              ? `At ${fmtWhen(f.fundingTime, Date.now(), false)}, rate ${fmtFundingRate(f.fundingRate)} of its value at the mark: ${
                  ok && pay < 0 ? "it pays" : "it receives"
                } this much (the rate may still change until then)`
              : undefined
          }
        >
          {ok ? `${pay > 0 ? "+" : ""}${pay.toFixed(2)}` : "–"}
        </td>
      );
    };
  },
  { props: ["position", "ctVal"] },
);
