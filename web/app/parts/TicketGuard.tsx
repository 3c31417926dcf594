// The order ticket's TP/SL: a stop loss (fixed or trailing) and/or take profit on what the order
// opens. At market (a swap) it is checked against the last price as typed (a long's stop under
// it) and set as a guard once the order is placed; on a limit order (a swap, or a spot buy) it is
// checked against the order's price, and the guard places the order itself (the stop's entry) and
// guards what it fills. The ticket asks it whether it is on, what is wrong, and the guard's input;
// it renders its own checkbox and fields.
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
  /** Whether the order may carry one (a swap at market or limit, not reduce-only; a spot limit buy). */
  offered: ComputedRef<boolean>;
  /** A limit order's price (the guard's entry); null at market. */
  entryPx: () => string | null;
  /** What it guards, in words: "the position it opens", "what it buys". */
  what: () => string;
  /** The server's refusals by field (the stop's params). */
  refused: () => Record<string, string | undefined>;
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
    ...(o.entryPx() !== null ? { entryPx: o.entryPx()! } : {}),
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
      error: errors.value[name] ?? o.refused()[name],
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
          TP/SL on {o.what()}
        </label>
        {on.value && field("stopPx", sl, "Stop loss")}
        {on.value && field("trailPct", trail, "Trailing stop %")}
        {on.value && field("takeProfitPx", tp, "Take profit")}
      </>
    );
  return { active, errors, input, reset, view };
}
