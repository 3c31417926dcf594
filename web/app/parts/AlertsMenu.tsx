// The chart's price alerts for its instrument (held by the service: useAlerts): a button with how
// many wait (and how many fired), under it a small form to set one (the last price to start
// from, a note if the user likes), the ones waiting, each with ×, the ones that fired (when, at
// what price), each dismissed with ×, and the other instruments with alerts, a click away. They
// fire with no page open, and show on every device the user signs in on.
import { defineComponent, nextTick, shallowRef } from "vue";
import type { PriceAlert } from "../../client/types.ts";
import { useAlerts } from "../../vue/alerts.ts";
import { useTicker } from "../../vue/market.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtWhen } from "../format.ts";
import { pick } from "../selection.ts";

export const AlertsMenu = defineComponent(
  (props: { instId: string }) => {
    const alerts = useAlerts();
    // Read when the form opens and on submit, never while rendering: the menu does not redraw per ticker.
    const ticker = useTicker(() => props.instId);
    const digits = useDigits();
    const open = shallowRef(false);
    const price = shallowRef("");
    const note = shallowRef("");
    const error = shallowRef("");
    const busy = shallowRef(false);
    const input = shallowRef<HTMLInputElement | null>(null);

    const toggle = async () => {
      open.value = !open.value;
      if (!open.value) return;
      price.value = ticker.value?.last ?? "";
      error.value = "";
      await nextTick();
      input.value?.select();
    };
    const add = async (e: Event) => {
      e.preventDefault();
      if (busy.value) return;
      const text = price.value.trim();
      busy.value = true;
      const r = await alerts.add(
        props.instId,
        text === "" ? Number.NaN : Number(text),
        Number(ticker.value?.last),
        note.value,
      );
      busy.value = false;
      error.value = "error" in r ? r.error : "";
      if (!("error" in r)) note.value = "";
    };
    const remove = async (a: PriceAlert) => {
      error.value = (await alerts.remove(a.id))?.error ?? "";
    };

    return () => {
      const px = digits(props.instId)?.px;
      const here = (list: PriceAlert[]) => list.filter((a) => a.instId === props.instId);
      const waiting = here(alerts.waiting.value).sort((a, b) => b.price - a.price);
      const fired = here(alerts.fired.value).sort((a, b) => (b.firedAt ?? 0) - (a.firedAt ?? 0));
      const count = [waiting.length ? ` ${waiting.length}` : "", fired.length ? ` · ${fired.length} fired` : ""].join(
        "",
      );
      /** The user's other instruments with alerts: how many wait and fired on each. */
      const elsewhere = new Map<string, { waiting: number; fired: number }>();
      for (const a of alerts.list.value) {
        if (a.instId === props.instId) continue;
        const n = elsewhere.get(a.instId) ?? { waiting: 0, fired: 0 };
        if (a.firedAt === null) n.waiting++;
        else n.fired++;
        elsewhere.set(a.instId, n);
      }
      return (
        <span class="chart-menu alerts-menu" data-testid="alerts">
          <button
            type="button"
            class={{ ghost: true, active: open.value }}
            aria-expanded={open.value}
            onClick={toggle}
            data-testid="alerts-toggle"
          >
            Alerts{count}
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
                <button type="submit" disabled={busy.value}>
                  Set
                </button>
              </form>
              <input
                class="alert-note"
                placeholder="note (optional)"
                maxlength={120}
                value={note.value}
                onInput={(e: Event) => (note.value = (e.target as HTMLInputElement).value)}
                onKeydown={(e: KeyboardEvent) => e.key === "Enter" && add(e)}
                data-testid="alert-note"
              />
              {error.value && <small class="error">{error.value}</small>}
              {waiting.length === 0 ? (
                <small class="muted">
                  None waiting: it tells you once when the last price gets there, on every device you sign in on.
                  Alt+click on the chart sets one at that price.
                </small>
              ) : (
                <ul>
                  {waiting.map((a) => (
                    <li key={a.id} data-testid="alert">
                      <span>
                        {a.up ? "rises to" : "falls to"} {fmtPx(a.price, px)}
                        {a.note && <small class="muted"> {a.note}</small>}
                      </span>
                      <button
                        type="button"
                        class="ghost"
                        aria-label={`Remove the alert at ${a.price}`}
                        onClick={() => remove(a)}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {fired.length > 0 && (
                <ul class="fired" aria-label="Fired">
                  {fired.map((a) => (
                    <li key={a.id} data-testid="alert-fired">
                      <span>
                        {a.up ? "rose to" : "fell to"} {fmtPx(a.price, px)}
                        <small class="muted">
                          {fmtWhen(a.firedAt, Date.now(), false)} at {fmtPx(a.firedPx ?? undefined, px)}
                          {a.note && `, ${a.note}`}
                        </small>
                      </span>
                      <button
                        type="button"
                        class="ghost"
                        aria-label={`Dismiss the alert at ${a.price}`}
                        onClick={() => remove(a)}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {elsewhere.size > 0 && (
                <p class="muted alerts-elsewhere" data-testid="alerts-elsewhere">
                  Also on{" "}
                  {[...elsewhere].sort().map(([instId, n], i) => (
                    <span key={instId}>
                      {i > 0 && ", "}
                      <button type="button" class="link" onClick={() => pick(instId)}>
                        {instId}
                      </button>{" "}
                      ({[n.waiting && `${n.waiting} waiting`, n.fired && `${n.fired} fired`].filter(Boolean).join(", ")}
                      )
                    </span>
                  ))}
                </p>
              )}
            </div>
          )}
        </span>
      );
    };
  },
  { props: ["instId"] },
);
