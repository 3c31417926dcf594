// The chart's price alerts for its instrument (alerts.ts): a button with how many are set, and
// under it a small form to set one (the last price to start from) and the list, each with ×.
import { defineComponent, nextTick, shallowRef } from "vue";
import { useTicker } from "../../vue/market.ts";
import { alertBook } from "../alerts.ts";
import { useDigits } from "../digits.ts";
import { fmtPx } from "../format.ts";
import { useSession } from "../session.ts";

export const AlertsMenu = defineComponent(
  (props: { instId: string }) => {
    const alerts = alertBook(useSession().state.value.user?.name ?? "");
    // Read when the form opens and on submit, never while rendering: the menu does not redraw per ticker.
    const ticker = useTicker(() => props.instId);
    const digits = useDigits();
    const open = shallowRef(false);
    const price = shallowRef("");
    const error = shallowRef("");
    const input = shallowRef<HTMLInputElement | null>(null);

    const toggle = async () => {
      open.value = !open.value;
      if (!open.value) return;
      price.value = ticker.value?.last ?? "";
      error.value = "";
      await nextTick();
      input.value?.select();
    };
    const add = (e: Event) => {
      e.preventDefault();
      const text = price.value.trim();
      const r = alerts.add(props.instId, text === "" ? Number.NaN : Number(text), Number(ticker.value?.last));
      error.value = "error" in r ? r.error : "";
    };

    return () => {
      const mine = alerts.list.value.filter((a) => a.instId === props.instId).sort((a, b) => b.price - a.price);
      const px = digits(props.instId)?.px;
      return (
        <span class="chart-menu alerts-menu" data-testid="alerts">
          <button
            type="button"
            class={{ ghost: true, active: open.value }}
            aria-expanded={open.value}
            onClick={toggle}
            data-testid="alerts-toggle"
          >
            Alerts{mine.length ? ` ${mine.length}` : ""}
          </button>
          {open.value && (
            <div class="pop">
              <form onSubmit={add}>
                <label>
                  Alert {props.instId} at
                  <input
                    ref={input}
                    inputmode="decimal"
                    value={price.value}
                    onInput={(e: Event) => (price.value = (e.target as HTMLInputElement).value)}
                    onKeydown={(e: KeyboardEvent) => e.key === "Escape" && (open.value = false)}
                    aria-invalid={error.value !== ""}
                    data-testid="alert-price"
                  />
                </label>
                <button type="submit">Set</button>
              </form>
              {error.value && <small class="error">{error.value}</small>}
              {mine.length === 0 ? (
                <small class="muted">
                  None set: it tells you once when the last price gets there. Alt+click on the chart sets one at that
                  price.
                </small>
              ) : (
                <ul>
                  {mine.map((a) => (
                    <li key={a.id} data-testid="alert">
                      <span>
                        {a.up ? "rises to" : "falls to"} {fmtPx(a.price, px)}
                      </span>
                      <button
                        type="button"
                        class="ghost"
                        aria-label={`Remove the alert at ${a.price}`}
                        onClick={() => alerts.remove(a.id)}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </span>
      );
    };
  },
  { props: ["instId"] },
);
