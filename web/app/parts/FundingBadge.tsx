// A perpetual swap's funding in the chart's header: the current rate and the time left until it
// is paid, counting down each second; nothing for instruments without funding.
import { defineComponent, onUnmounted, ref, watch } from "vue";
import { useFunding } from "../../vue/market.ts";
import { fmtWhen } from "../format.ts";
import { fmtCountdown, fmtFundingRate } from "../funding.ts";

export const FundingBadge = defineComponent(
  (props: { instId: string }) => {
    const funding = useFunding(() => props.instId);
    const now = ref(Date.now());
    // The countdown ticks only while there is one to show (not on a spot pair).
    let timer: ReturnType<typeof setInterval> | undefined;
    watch(
      () => funding.value !== undefined,
      (shown) => {
        clearInterval(timer);
        now.value = Date.now();
        timer = shown ? setInterval(() => (now.value = Date.now()), 1000) : undefined;
      },
      { immediate: true },
    );
    onUnmounted(() => clearInterval(timer));
    return () => {
      const f = funding.value;
      if (!f) return null;
      const rate = Number(f.fundingRate);
      const who = rate > 0 ? "longs pay shorts" : rate < 0 ? "shorts pay longs" : "nobody pays";
      const settled = f.settFundingRate ? `; settled last at ${fmtFundingRate(f.settFundingRate)}` : "";
      return (
        <span
          class="funding"
          data-testid="funding"
          title={`Funding ${fmtFundingRate(f.fundingRate)} at ${fmtWhen(f.fundingTime, now.value, false)}: ${who} that share of their position's value${settled}`}
        >
          <span class="muted">Funding</span>{" "}
          <span class={rate > 0 ? "up" : rate < 0 ? "down" : ""} data-testid="funding-rate">
            {fmtFundingRate(f.fundingRate)}
          </span>{" "}
          <span class="muted" data-testid="funding-countdown">
            {fmtCountdown(f.fundingTime, now.value)}
          </span>
        </span>
      );
    };
  },
  { props: ["instId"] },
);
