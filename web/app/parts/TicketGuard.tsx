// The order ticket's TP/SL (a swap at market): a stop loss (fixed or trailing) and/or take profit
// on the position the order opens, checked against the last price as typed (a long's stop under it), set as a guard
// once the order is placed. The ticket asks it whether it is on, what is wrong, and the guard's
// input; it renders its own checkbox and fields.
import { type ComputedRef, computed, type Ref, shallowRef } from "vue";
import type { Rules } from "../../client/rules.ts";
import { checkProtect, type ProtectInput } from "../protect.ts";
import { decimalField } from "./fields.tsx";

export function useTicketGuard(o: {
  /** The order's side: its guard closes what it opens (a buy's position is sold). */
  side: Ref<"buy" | "sell">;
  size: Ref<string>;
  last: () => number;
  rules: ComputedRef<Rules | undefined>;
  /** Whether the order may carry one (a swap at market, not reduce-only). */
  offered: ComputedRef<boolean>;
}) {
  const on = shallowRef(false);
  const sl = shallowRef("");
  const tp = shallowRef("");
  const trail = shallowRef("");
  const active = computed(() => o.offered.value && on.value);
  const input = (): ProtectInput => ({
    side: o.side.value === "buy" ? "sell" : "buy",
    last: o.last(),
    stopPx: sl.value,
    takeProfitPx: tp.value,
    trailPct: trail.value,
    size: o.size.value,
  });
  /** What is wrong with its prices and trail (stopPx, takeProfitPx, trailPct), while it is on. */
  const errors = computed(() => {
    const r = o.rules.value;
    const out: Record<string, string> = {};
    if (!active.value || !r) return out;
    const wrong = checkProtect(input(), r);
    for (const k of ["stopPx", "takeProfitPx", "trailPct"]) if (wrong[k]) out[k] = wrong[k]!;
    return out;
  });
  const reset = () => {
    on.value = false;
    sl.value = tp.value = trail.value = "";
  };
  const field = (name: "stopPx" | "takeProfitPx" | "trailPct", model: typeof sl, label: string) =>
    decimalField({
      name,
      label,
      value: model.value,
      onInput: (v) => (model.value = v),
      testid: `ticket-${name}`,
      error: errors.value[name],
    });
  const view = () =>
    o.offered.value && (
      <>
        <label class="check">
          <input
            type="checkbox"
            checked={on.value}
            onChange={(e: Event) => (on.value = (e.target as HTMLInputElement).checked)}
            data-testid="ticket-guard"
          />
          TP/SL on the position it opens
        </label>
        {on.value && field("stopPx", sl, "Stop loss")}
        {on.value && field("trailPct", trail, "Trailing stop %")}
        {on.value && field("takeProfitPx", tp, "Take profit")}
      </>
    );
  return { active, errors, input, reset, view };
}
