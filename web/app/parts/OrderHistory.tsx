// Closed orders, newest first: filled, canceled or rejected, with what was filled and at what
// average price (recorded history, then live from the stream); narrowed to one instrument, and
// older pages on demand.
import { computed, defineComponent, shallowRef, watch } from "vue";
import { errorText } from "../../client/http.ts";
import { type ClosedOrder, olderClosedOrders, useOrderHistory } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtSz, fmtWhen } from "../format.ts";
import { useSelection } from "../selection.ts";
import { StrategyTag } from "./StrategyTag.tsx";

export const OrderHistory = defineComponent(() => {
  const tw = useTradewire();
  const closed = useOrderHistory();
  const digits = useDigits();
  const { instruments } = useSelection();
  /** The instrument shown ("": all). */
  const inst = shallowRef("");
  /** Orders of the older pages, and those the live list showed meanwhile (kept once paging began). */
  const older = shallowRef(new Map<string, ClosedOrder>());
  /** Where the next older page starts: undefined before the first, null when there is none. */
  const next = shallowRef<string | null | undefined>(undefined);
  const loading = shallowRef(false);
  const error = shallowRef("");
  const rows = computed(() => {
    const all = new Map(older.value);
    for (const o of closed.value) all.set(o.ordId, o);
    return [...all.values()].filter((o) => !inst.value || o.instId === inst.value).sort((a, b) => b.uTime - a.uTime);
  });
  watch(closed, (list) => {
    if (older.value.size === 0) return;
    const m = new Map(older.value);
    for (const o of list) m.set(o.ordId, o);
    older.value = m;
  });
  watch(inst, () => (next.value = undefined));
  const showOlder = async () => {
    loading.value = true;
    error.value = "";
    try {
      const from = next.value ? { cursor: next.value } : { before: rows.value.at(-1)?.uTime ?? Date.now() };
      const page = await olderClosedOrders(tw, from, inst.value || undefined);
      const m = new Map(older.value);
      for (const o of closed.value) m.set(o.ordId, o);
      for (const o of page.orders) if (!m.has(o.ordId)) m.set(o.ordId, o);
      older.value = m;
      next.value = page.next;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  };
  return () => (
    <section class="card history" data-testid="order-history">
      <header class="row">
        <h2>Order history</h2>
        <select
          value={inst.value}
          onChange={(e: Event) => (inst.value = (e.target as HTMLSelectElement).value)}
          data-testid="history-inst"
          aria-label="Instrument"
        >
          <option value="">all instruments</option>
          {instruments.value.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </select>
      </header>
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>Time</th>
              <th>Instrument</th>
              <th>Side</th>
              <th class="hide-narrow">Type</th>
              <th class="num">Price</th>
              <th class="num hide-narrow">Avg px</th>
              <th class="num">Filled</th>
              <th class="num hide-narrow">Size</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((o) => (
              <tr key={o.ordId} data-testid={`closed-${o.ordId}`}>
                <td>{fmtWhen(o.uTime)}</td>
                <td>
                  {o.instId}
                  <StrategyTag clOrdId={o.clOrdId} />
                </td>
                <td class={o.side === "buy" ? "up" : "down"}>{o.side}</td>
                <td class="hide-narrow">{o.ordType}</td>
                <td class="num">{o.px ? fmtPx(o.px, digits(o.instId)?.px) : "market"}</td>
                <td class="num hide-narrow">{Number(o.avgPx) > 0 ? fmtPx(o.avgPx, digits(o.instId)?.px) : "–"}</td>
                <td class="num">{fmtSz(o.accFillSz, digits(o.instId)?.sz)}</td>
                <td class="num hide-narrow">{fmtSz(o.sz, digits(o.instId)?.sz)}</td>
                <td class={`state ${o.state}`} data-testid="state">
                  {o.state.replace("_", " ")}
                </td>
              </tr>
            ))}
            {rows.value.length === 0 && (
              <tr>
                <td colspan={9} class="empty">
                  No closed orders{inst.value ? ` on ${inst.value}` : " yet"}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <footer class="row">
        {next.value === null ? (
          <small class="muted" data-testid="history-end">
            No older orders{inst.value ? ` on ${inst.value}` : ""}.
          </small>
        ) : (
          <button
            type="button"
            class="ghost small"
            disabled={loading.value}
            onClick={showOlder}
            data-testid="history-older"
          >
            {loading.value ? "Loading…" : "Show older"}
          </button>
        )}
        {error.value && <small class="error">{error.value}</small>}
      </footer>
    </section>
  );
});
