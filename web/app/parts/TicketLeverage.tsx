// A swap's leverage in the order ticket: what the exchange has (asked when the instrument is
// picked; a change made elsewhere comes on `leverage:<instId>` and in a position's updates), and a click on it
// to change it: a field with the usual steps up to the instrument's most, set at the exchange at
// once. A refusal (over the most, too low for the margin the position holds) shows on the field.
// The ticket asks it for the leverage (the order's margin) and renders its view.
import { type ComputedRef, computed, onUnmounted, shallowRef, watch } from "vue";
import { ApiRequestError, errorText } from "../../client/http.ts";
import { usePositions } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";

/** The leverages offered with a click, up to the instrument's most. */
const STEPS = [1, 2, 3, 5, 10, 20, 50, 75, 100, 125];

/** What is wrong with a leverage as typed (1 to `max`, at most 2 decimals), or null. */
export function checkLever(typed: string, max: number | undefined): string | null {
  const t = typed.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return "a number from 1, at most 2 decimals";
  const n = Number(t);
  if (n < 1) return "at least 1";
  if (max !== undefined && n > max) return `at most ${max}x`;
  return null;
}

export function useTicketLeverage(o: {
  instId: () => string;
  /** Whether the instrument takes one (a swap). */
  offered: ComputedRef<boolean>;
  /** The most the exchange allows on it (from its rules). */
  maxLever: () => number | undefined;
}) {
  const tw = useTradewire();
  const { positions } = usePositions();
  const lever = shallowRef<number | null>(null);
  const editing = shallowRef(false);
  const typed = shallowRef("");
  const error = shallowRef<string | null>(null);
  const busy = shallowRef(false);
  /** Answers to an earlier instrument's question are dropped. */
  let asked = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const ask = async (n: number) => {
    try {
      const r = await tw.rest.account.leverage(o.instId());
      if (n === asked) lever.value = r.lever;
    } catch (err) {
      if (n !== asked) return;
      // Unavailable (the exchange, or its rules not loaded yet after a start): asked again.
      if (err instanceof ApiRequestError && (err.status === 503 || err.status === 0))
        retry = setTimeout(() => ask(n), 2_000);
      else error.value = errorText(err);
    }
  };
  const load = () => {
    const n = ++asked;
    clearTimeout(retry);
    lever.value = null;
    editing.value = false;
    error.value = null;
    if (o.offered.value) void ask(n);
  };
  watch([o.instId, o.offered], load, { immediate: true });
  onUnmounted(() => {
    asked++;
    clearTimeout(retry);
  });
  // A leverage set anywhere (another tab or device, the API) is told on `leverage:<instId>`, and a
  // position's updates carry it too.
  const offSet = tw.client.on("leverage", (ev) => {
    if (ev.data.instId === o.instId() && o.offered.value) lever.value = ev.data.lever;
  });
  const release = tw.client.subscribe(["leverage"]);
  onUnmounted(() => {
    offSet();
    release();
  });
  const held = computed(() => Number(positions.get(`${o.instId()}:net`)?.lever) || null);
  watch(held, (l) => {
    if (l !== null) lever.value = l;
  });

  const steps = computed(() => STEPS.filter((s) => s <= (o.maxLever() ?? 100)));
  const wrong = computed(() => (editing.value ? checkLever(typed.value, o.maxLever()) : null));
  const open = () => {
    typed.value = lever.value === null ? "" : String(lever.value);
    error.value = null;
    editing.value = true;
  };
  const set = async () => {
    if (wrong.value || busy.value) return;
    const n = asked;
    busy.value = true;
    error.value = null;
    try {
      const r = await tw.rest.account.setLeverage(o.instId(), Number(typed.value.trim()));
      if (n !== asked) return;
      lever.value = r.lever;
      editing.value = false;
    } catch (err) {
      if (n !== asked) return;
      const onField = err instanceof ApiRequestError ? err.details.find((d) => d.field?.endsWith("lever")) : undefined;
      error.value = onField?.message ?? errorText(err);
    } finally {
      busy.value = false;
    }
  };
  // Enter in the field sets the leverage; it must not send the ticket's order.
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void set();
    } else if (e.key === "Escape") {
      e.preventDefault();
      editing.value = false;
    }
  };

  const shown = computed(() => (lever.value === null ? "…" : `${lever.value}x`));
  const view = () =>
    o.offered.value && (
      <div class={{ lever: true, invalid: !!(wrong.value ?? error.value) }} data-testid="ticket-lever">
        <span>
          Leverage{" "}
          <button
            type="button"
            class="link"
            title="Cross margin: a click to change it"
            onClick={() => (editing.value ? (editing.value = false) : open())}
            data-testid="ticket-lever-value"
          >
            {shown.value}
          </button>
        </span>
        {editing.value && (
          <>
            <fieldset class="shares" aria-label="Leverage">
              {steps.value.map((s) => (
                <button
                  type="button"
                  class={{ ghost: true, on: typed.value === String(s) }}
                  key={s}
                  onClick={() => (typed.value = String(s))}
                  data-testid={`ticket-lever-${s}`}
                >
                  {s}x
                </button>
              ))}
            </fieldset>
            <span class="row">
              <input
                name="lever"
                inputmode="decimal"
                autocomplete="off"
                aria-label="Leverage"
                value={typed.value}
                onInput={(e: Event) => (typed.value = (e.target as HTMLInputElement).value)}
                onKeydown={onKey}
                data-testid="ticket-lever-input"
              />
              <button
                type="button"
                class="small"
                disabled={busy.value || !!wrong.value}
                onClick={set}
                data-testid="ticket-lever-set"
              >
                {busy.value ? "Setting…" : "Set"}
              </button>
            </span>
          </>
        )}
        {(wrong.value ?? error.value) && (
          <span class="field-error" data-testid="ticket-lever-error">
            {wrong.value ?? error.value}
          </span>
        )}
      </div>
    );
  return { lever, view };
}
