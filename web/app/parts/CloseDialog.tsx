// Close a position, all of it or a part, at market or at a limit price: a reduce-only order on
// the other side (`app/close.ts`). It opens on all of it at market, its focus on Back, so Enter
// or Escape backs out; the size and price are checked before it is sent, and a refusal by the
// server is shown on the field it names.
import { defineComponent, onMounted, shallowRef } from "vue";
import { ApiRequestError, errorText } from "../../client/http.ts";
import { closingOrder } from "../../client/index.ts";
import type { Position } from "../../client/types.ts";
import { useTradewire } from "../../vue/context.ts";
import { useInstrument, useTicker } from "../../vue/market.ts";
import { checkClose, closeOrder, closeShare } from "../close.ts";
import { outcomeAt, pnlText } from "../protect.ts";
import { decimalField, shareButtons } from "./fields.tsx";
import { Modal } from "./Modal.tsx";

export const CloseDialog = defineComponent(
  (props: { position: Position; onDone: () => void }) => {
    const tw = useTradewire();
    const p = props.position;
    const rules = useInstrument(p.instId);
    const ticker = useTicker(p.instId);
    const { side, sz: all } = closingOrder(p);
    const long = side === "sell";
    const size = shallowRef(all);
    const type = shallowRef<"market" | "limit">("market");
    const px = shallowRef("");
    const errors = shallowRef<Record<string, string>>({});
    const failure = shallowRef<string | null>(null);
    const busy = shallowRef(false);
    const back = shallowRef<HTMLButtonElement | null>(null);
    onMounted(() => back.value?.focus());
    /** One key per order: a retry of the same submit (no answer came) is not a second order. */
    let key = crypto.randomUUID();
    const input = () => ({ size: size.value, type: type.value, px: px.value });
    const pickType = (t: "market" | "limit") => {
      type.value = t;
      if (t === "limit" && px.value === "") px.value = ticker.value?.last ?? "";
    };
    const submit = async (e: Event) => {
      e.preventDefault();
      const r = rules.value;
      if (!r) return void (failure.value = `no trading rules for ${p.instId} yet`);
      errors.value = checkClose(input(), Number(all), r);
      if (Object.keys(errors.value).length > 0) return;
      busy.value = true;
      failure.value = null;
      try {
        await tw.rest.orders.place(closeOrder(p, input()), key);
        props.onDone();
      } catch (err) {
        if (err instanceof ApiRequestError && err.status !== 0) key = crypto.randomUUID();
        const named: Record<string, string> = {};
        if (err instanceof ApiRequestError)
          for (const d of err.details)
            if (d.field) named[d.field.replace(/^json\./, "").replace(/^sz$/, "size")] ??= d.message;
        errors.value = named;
        if (Object.keys(named).length === 0) failure.value = errorText(err);
      } finally {
        busy.value = false;
      }
    };
    const summary = () => {
      const at = type.value === "market" ? "at market" : `at ${px.value || "–"} or better (limit)`;
      const whole = Number(size.value) === Number(all);
      return `${long ? "Sell" : "Buy"} ${size.value || "–"} ${p.instId} ${at}, reduce only: ${
        whole ? "all" : "part"
      } of the ${long ? "long" : "short"} position (${all}).`;
    };
    /** The PnL of closing that size at the limit (or the last price, at market) against the entry. */
    const pnl = () => {
      const at = type.value === "market" ? (ticker.value?.last ?? "") : px.value;
      const o = outcomeAt(at, {
        side,
        last: Number(ticker.value?.last),
        avgPx: Number(p.avgPx),
        size: Number(size.value),
        ctVal: rules.value?.ctVal ?? 1,
      });
      const text = pnlText(o, p.instId);
      return text && `${text} ${type.value === "market" ? "at the last price" : "at that price"}`;
    };
    const field = (name: "size" | "px", label: string, value: typeof size) =>
      decimalField({
        name,
        label,
        value: value.value,
        onInput: (v) => {
          value.value = v;
          if (errors.value[name]) errors.value = { ...errors.value, [name]: "" };
        },
        testid: `close-${name}`,
        error: errors.value[name],
      });
    return () => (
      <Modal label={`Close ${p.instId}`} onClose={props.onDone}>
        <form class="card dialog ticket close" onSubmit={submit} data-testid="close">
          <h2>
            Close {p.instId} {long ? "long" : "short"}
          </h2>
          <div class="row" role="radiogroup" aria-label="Order type">
            {(["market", "limit"] as const).map((t) => (
              <button
                type="button"
                key={t}
                class={type.value === t ? "primary small" : "ghost small"}
                aria-pressed={type.value === t}
                onClick={() => pickType(t)}
                data-testid={`close-${t}`}
              >
                {t === "market" ? "Market" : "Limit"}
              </button>
            ))}
          </div>
          {type.value === "limit" && field("px", "Price", px)}
          {field("size", "Size", size)}
          {shareButtons("Size as a share of the position", "close-share", (share) => {
            const r = rules.value;
            if (r) size.value = closeShare(p, share, r);
          })}
          <p data-testid="close-summary">{summary()}</p>
          {pnl() && (
            <p class="muted" data-testid="close-pnl">
              {pnl()}
            </p>
          )}
          {failure.value && (
            <p class="field-error" role="alert" data-testid="close-error">
              {failure.value}
            </p>
          )}
          <div class="row end">
            <button type="button" class="ghost" ref={back} onClick={props.onDone} data-testid="close-back">
              Back
            </button>
            <button type="submit" class="danger" disabled={busy.value} data-testid="close-submit">
              {type.value === "market" ? "Close at market" : "Place close order"}
            </button>
          </div>
        </form>
      </Modal>
    );
  },
  { props: ["position", "onDone"] },
);
