// Open orders as the stream reports them, with cancel and amend (price and/or size) for those
// who may trade, and Cancel all (confirmed); an order leaves the list when its final state
// arrives on the stream. Its time and state show from 701 px, its type and filled size from 1600:
// at phone width each row keeps its buttons in sight.
import { defineComponent, shallowRef } from "vue";
import { errorText } from "../../client/http.ts";
import type { Order } from "../../client/types.ts";
import { useOrders } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtSz, fmtWhen } from "../format.ts";
import { Confirm } from "./Confirm.tsx";
import { StrategyTag } from "./StrategyTag.tsx";

const OrderRow = defineComponent(
  (props: { order: Order; canTrade: boolean }) => {
    const tw = useTradewire();
    const editing = shallowRef(false);
    const newPx = shallowRef("");
    const newSz = shallowRef("");
    const busy = shallowRef(false);
    const error = shallowRef<string | null>(null);
    const run = async (what: () => Promise<unknown>) => {
      busy.value = true;
      error.value = null;
      try {
        await what();
        editing.value = false;
      } catch (err) {
        error.value = errorText(err);
      } finally {
        busy.value = false;
      }
    };
    const cancel = () => run(() => tw.rest.orders.cancel(props.order.ordId, props.order.instId));
    const amend = (e: Event) => {
      e.preventDefault();
      const change = {
        instId: props.order.instId,
        ...(newPx.value && newPx.value !== props.order.px ? { newPx: newPx.value } : {}),
        ...(newSz.value && newSz.value !== props.order.sz ? { newSz: newSz.value } : {}),
      };
      if (!("newPx" in change) && !("newSz" in change)) return void (editing.value = false);
      return run(() => tw.rest.orders.amend(props.order.ordId, change));
    };
    const edit = () => {
      newPx.value = props.order.px;
      newSz.value = props.order.sz;
      editing.value = true;
    };
    const digits = useDigits();
    return () => {
      const o = props.order;
      const d = digits(o.instId);
      return (
        <tr data-testid={`order-${o.ordId}`} data-clordid={o.clOrdId}>
          <td class="hide-narrow">{fmtWhen(o.cTime)}</td>
          <td>
            {o.instId}
            <StrategyTag clOrdId={o.clOrdId} />
          </td>
          <td class={o.side === "buy" ? "up" : "down"}>{o.side}</td>
          <td class="wide-only">{o.ordType}</td>
          <td class="num">
            {editing.value ? (
              <input
                class="small"
                value={newPx.value}
                inputmode="decimal"
                onInput={(e: Event) => (newPx.value = (e.target as HTMLInputElement).value)}
              />
            ) : (
              (o.px && fmtPx(o.px, d?.px)) || "market"
            )}
          </td>
          <td class="num">
            {editing.value ? (
              <input
                class="small"
                value={newSz.value}
                inputmode="decimal"
                onInput={(e: Event) => (newSz.value = (e.target as HTMLInputElement).value)}
              />
            ) : (
              fmtSz(o.sz, d?.sz)
            )}
          </td>
          <td class="num wide-only">{fmtSz(o.accFillSz, d?.sz)}</td>
          <td class="state hide-narrow">{o.state}</td>
          {props.canTrade && (
            <td class="actions">
              {editing.value ? (
                <>
                  <button type="button" class="ghost" disabled={busy.value} onClick={amend} data-testid="amend-save">
                    Save
                  </button>
                  <button type="button" class="ghost" onClick={() => (editing.value = false)}>
                    Back
                  </button>
                </>
              ) : (
                <>
                  <button type="button" class="ghost" disabled={busy.value} onClick={edit} data-testid="amend">
                    Amend
                  </button>
                  <button
                    type="button"
                    class="ghost danger"
                    disabled={busy.value}
                    onClick={cancel}
                    data-testid="cancel"
                  >
                    Cancel
                  </button>
                </>
              )}
              {error.value && <span class="field-error">{error.value}</span>}
            </td>
          )}
        </tr>
      );
    };
  },
  { props: ["order", "canTrade"] },
);

export const OpenOrders = defineComponent(
  (props: { canTrade: boolean }) => {
    const tw = useTradewire();
    const { list } = useOrders();
    const asking = shallowRef(false);
    const error = shallowRef<string | null>(null);
    /** The cancel_all command (as on the Commands page): every open order, whoever placed it. */
    const cancelAll = async () => {
      asking.value = false;
      error.value = null;
      try {
        await tw.rest.commands.run({ type: "cancel_all" });
      } catch (err) {
        error.value = errorText(err);
      }
    };
    return () => (
      <section class="card orders" data-testid="open-orders">
        <header class="row">
          <h2>
            Open orders <small class="muted">{list.value.length}</small>
          </h2>
          {props.canTrade && list.value.length > 0 && (
            <button
              type="button"
              class="ghost danger small"
              onClick={() => (asking.value = true)}
              data-testid="cancel-all-orders"
            >
              Cancel all
            </button>
          )}
          {error.value && <span class="field-error">{error.value}</span>}
        </header>
        {asking.value && (
          <Confirm
            title="Cancel all open orders?"
            text={`All ${list.value.length} open orders will be canceled, on every instrument, strategies' included.`}
            action="Cancel all"
            danger
            onYes={() => void cancelAll()}
            onNo={() => (asking.value = false)}
          />
        )}
        <div class="scroll">
          <table class="grid">
            <thead>
              <tr>
                <th class="hide-narrow">Time</th>
                <th>Instrument</th>
                <th>Side</th>
                <th class="wide-only">Type</th>
                <th class="num">Price</th>
                <th class="num">Size</th>
                <th class="num wide-only">Filled</th>
                <th class="hide-narrow">State</th>
                {props.canTrade && <th />}
              </tr>
            </thead>
            <tbody>
              {list.value.map((o) => (
                <OrderRow key={o.ordId} order={o} canTrade={props.canTrade} />
              ))}
              {list.value.length === 0 && (
                <tr>
                  <td colspan={9} class="empty">
                    No open orders.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    );
  },
  { props: ["canTrade"] },
);
