// The order ticket: instrument, side, type, price and size checked against the instrument's rules
// (tick, lot, minimum size; arrow keys step by them), the best bid/ask to click, what is available
// to spend with a size as a share of it (spot), a swap's leverage (changed with a click) and the
// margin the order takes at it, reduce only (swaps), a stop loss and/or take profit on what the
// order opens (a guard the service holds: at market set once the order is placed; on a limit
// order the guard places the order and guards what it fills), the order's value, an idempotency key per order (a retried submit never
// doubles it), and a rejection shown on the field it concerns (the server's risk checks and
// validation name their field).
import { computed, defineComponent, shallowRef, watch } from "vue";
import { ApiRequestError, errorText } from "../../client/http.ts";
import type { NewOrder, OrdType } from "../../client/rest.ts";
import { checkPx, checkSz, contractsForShare, fmtStep, sizeForShare, stepBy } from "../../client/rules.ts";
import { useBalances } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";
import { useInstrument, useOrderBook, useTicker } from "../../vue/market.ts";
import { decimals, digitsOf, fmtPx } from "../format.ts";
import { startGuard } from "../guards.ts";
import { protectStrategy } from "../protect.ts";
import { handedPrice } from "../selection.ts";
import { FundingBadge } from "./FundingBadge.tsx";
import { shareButtons } from "./fields.tsx";
import { useTicketGuard } from "./TicketGuard.tsx";
import { useTicketLeverage } from "./TicketLeverage.tsx";

const TYPES: Array<{ v: OrdType; label: string }> = [
  { v: "limit", label: "Limit" },
  { v: "market", label: "Market" },
  { v: "post_only", label: "Post only" },
  { v: "ioc", label: "IOC" },
  { v: "fok", label: "FOK" },
];

/** A fresh idempotency key (getRandomValues works outside secure contexts, randomUUID does not). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 10^-d as a decimal string ("0.01"). */
const stepOf = (d: number) => (d <= 0 ? "1" : `0.${"0".repeat(d - 1)}1`);

export const OrderTicket = defineComponent(
  (props: { instId: string; instruments: string[]; onInstrument: (instId: string) => void }) => {
    const tw = useTradewire();
    const ticker = useTicker(() => props.instId);
    const book = useOrderBook(() => props.instId);
    const rules = useInstrument(() => props.instId);
    const digits = computed(() => digitsOf(rules.value));
    const { balances } = useBalances();
    const side = shallowRef<"buy" | "sell">("buy");
    const ordType = shallowRef<OrdType>("limit");
    const px = shallowRef("");
    const sz = shallowRef("");
    /** Swaps: the order may only shrink a position (the exchange refuses one that would open or grow it). */
    const reduceOnly = shallowRef(false);
    const busy = shallowRef(false);
    const fieldErrors = shallowRef<Record<string, string>>({});
    const formError = shallowRef<string | null>(null);
    const done = shallowRef<string | null>(null);
    /** Kept for a retry of the same order; a new one after an answer. */
    let idemKey = newKey();

    // Steps: the instrument's rules; until they are known, the decimals of live prices and sizes
    // (the server's risk check has the final word either way, on the field).
    const steps = computed(() => {
      const r = rules.value;
      if (r) return { px: fmtStep(r.tickSz), sz: fmtStep(r.lotSz) };
      const b = book.value;
      const t = ticker.value;
      const pxs = [
        t?.last,
        t?.bidPx,
        t?.askPx,
        ...(b?.bids.slice(0, 5).map((l) => l[0]) ?? []),
        ...(b?.asks.slice(0, 5).map((l) => l[0]) ?? []),
      ];
      const szs = [t?.lastSz, t?.bidSz, t?.askSz, ...(b?.bids.slice(0, 5).map((l) => l[1]) ?? [])];
      return { px: stepOf(Math.max(0, ...pxs.map(decimals))), sz: stepOf(Math.max(0, ...szs.map(decimals))) };
    });
    // A price clicked in a book (here or on Markets, before this ticket was shown) is taken once.
    watch(
      handedPrice,
      (h) => {
        if (!h || h.instId !== props.instId) return;
        px.value = h.px;
        handedPrice.value = null;
      },
      { immediate: true },
    );
    watch(
      () => props.instId,
      () => {
        px.value = "";
        reduceOnly.value = false;
        guard.reset();
        fieldErrors.value = {};
        formError.value = null;
      },
    );

    // What the order spends: a spot buy the quote currency, a spot sell the base.
    const ccys = computed(() => {
      const [base = "", quote = ""] = props.instId.split("-");
      return { base, quote, spends: side.value === "buy" ? quote : base };
    });
    const spot = computed(() => rules.value?.instType === "SPOT");
    const swap = computed(() => props.instId.endsWith("-SWAP"));
    const available = computed(() => balances.get(ccys.value.spends)?.availBal ?? "0");
    /** The price the order is worth at: its limit price, else the best price on its side. */
    const refPx = computed(() => {
      const typed = ordType.value === "market" ? Number.NaN : Number(px.value);
      if (typed > 0) return typed;
      return Math.max(Number(side.value === "buy" ? ticker.value?.askPx : ticker.value?.bidPx) || 0, 0);
    });
    const notional = computed(() => Number(sz.value) * refPx.value * (rules.value?.ctVal || 1));
    const value = computed(() => (notional.value > 0 ? `≈ ${notional.value.toFixed(2)} ${ccys.value.quote}` : "–"));
    const leverage = useTicketLeverage({
      instId: () => props.instId,
      offered: swap,
      maxLever: () => rules.value?.maxLever,
    });
    /** A swap order's initial margin at the leverage set (none for reduce-only: it frees margin). */
    const margin = computed(() => {
      const l = leverage.lever.value;
      if (!l || !(notional.value > 0) || reduceOnly.value) return "–";
      return `≈ ${(notional.value / l).toFixed(2)} ${ccys.value.quote}`;
    });
    /**
     * A stop loss and/or take profit on what it opens: a swap at market (set once it is placed) or
     * at a limit (the guard places it), a spot buy at a limit.
     */
    const guard = useTicketGuard({
      side,
      size: sz,
      last: () => Number(ticker.value?.last),
      rules,
      offered: computed(() =>
        swap.value
          ? (ordType.value === "market" || ordType.value === "limit") && !reduceOnly.value
          : spot.value && ordType.value === "limit" && side.value === "buy",
      ),
      entryPx: () => (ordType.value === "limit" ? px.value.trim() : null),
      what: () => (swap.value ? "the position it opens" : "what it buys"),
      refused: () => fieldErrors.value,
    });
    /** Swaps: what is available to margin, in the settlement (quote) currency. */
    const marginAvail = computed(() => Number(balances.get(ccys.value.quote)?.availBal ?? 0));
    const takeShare = (share: number) => {
      const r = rules.value;
      if (!r) return;
      const lever = leverage.lever.value;
      if (swap.value) {
        if (lever) sz.value = contractsForShare(share, marginAvail.value, lever, refPx.value, r.ctVal || 1, r);
      } else sz.value = sizeForShare(share, side.value, Number(available.value), refPx.value, r);
    };

    /** What the rules refuse in the fields as typed (shown at once, and the order is not sent). */
    const ruleErrors = computed(() => {
      const r = rules.value;
      const out: Record<string, string> = {};
      if (!r) return out;
      const p = ordType.value === "market" ? null : checkPx(px.value, r);
      const z = checkSz(sz.value, r);
      if (p) out.px = p;
      if (z) out.sz = z;
      Object.assign(out, guard.errors.value);
      return out;
    });
    const errorOf = (name: string) => ruleErrors.value[name] ?? fieldErrors.value[name];

    /** Arrow up/down: one tick or lot; with Shift, ten. */
    const stepKey = (name: "px" | "sz", model: typeof px, e: KeyboardEvent) => {
      const r = rules.value;
      if (!r || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      e.preventDefault();
      const n = (e.key === "ArrowUp" ? 1 : -1) * (e.shiftKey ? 10 : 1);
      const t = ticker.value;
      model.value =
        name === "px"
          ? stepBy(model.value, r.tickSz, n, r.tickSz, side.value === "buy" ? t?.bidPx : t?.askPx)
          : stepBy(model.value, r.lotSz, n, Math.max(r.minSz, r.lotSz));
    };

    const submit = async (e: Event) => {
      e.preventDefault();
      if (Object.keys(ruleErrors.value).length > 0) return;
      busy.value = true;
      fieldErrors.value = {};
      formError.value = null;
      done.value = null;
      const order: NewOrder = {
        instId: props.instId,
        side: side.value,
        ordType: ordType.value,
        sz: sz.value.trim(),
        tdMode: swap.value ? "cross" : "cash",
        ...(ordType.value === "market" ? {} : { px: px.value.trim() }),
        ...(swap.value && reduceOnly.value ? { reduceOnly: true } : {}),
      };
      try {
        const spec = rules.value;
        if (guard.active.value && spec && order.ordType === "limit") {
          // The guard places the order (its entry) and guards what it fills.
          await startGuard(tw.rest, protectStrategy(props.instId, guard.input(), spec.ctVal ?? 1));
          done.value = "Placed with its TP/SL: the order is the TP/SL's (see Strategies)";
          return;
        }
        const t0 = performance.now();
        const r = await tw.rest.orders.place(order, idemKey);
        done.value = `Placed ${r.ordId} in ${(performance.now() - t0).toFixed(1)} ms`;
        idemKey = newKey();
        if (guard.active.value && spec) {
          try {
            await startGuard(tw.rest, protectStrategy(props.instId, guard.input(), spec.ctVal ?? 1));
            done.value += "; TP/SL set";
          } catch (err) {
            formError.value = `The order was placed, its TP/SL was not: ${errorText(err)}`;
          }
        }
      } catch (err) {
        if (!(err instanceof ApiRequestError)) throw err;
        if (err.status !== 0) idemKey = newKey(); // answered: the next submit is a new order
        const byField: Record<string, string> = {};
        // The order's fields, or the TP/SL's params (its entry is the order: its size and price).
        const ticketField = (f: string) =>
          ({ size: "sz", entryPx: "px" })[f.replace(/^(json\.)?(params\.)?/, "")] ??
          f.replace(/^(json\.)?(params\.)?/, "");
        for (const d of err.details) if (d.field) byField[ticketField(d.field)] ??= d.message;
        fieldErrors.value = byField;
        if (Object.keys(byField).length === 0 || err.status === 0) formError.value = err.message;
      } finally {
        busy.value = false;
      }
    };

    const hint = (name: "px" | "sz") => {
      const r = rules.value;
      if (!r) return null;
      return name === "px" ? `tick ${fmtStep(r.tickSz)}` : `lot ${fmtStep(r.lotSz)} · min ${fmtStep(r.minSz)}`;
    };

    const input = (name: "px" | "sz", model: typeof px, step: string, label: string) => (
      <label class={{ invalid: !!errorOf(name) }}>
        {label}{" "}
        {hint(name) && (
          <small class="muted" data-testid={`ticket-${name}-rule`}>
            {hint(name)}
          </small>
        )}
        <input
          name={name}
          inputmode="decimal"
          autocomplete="off"
          pattern="[0-9]+([.][0-9]+)?"
          placeholder={step}
          title={`a decimal in steps of ${step} (arrow keys step by it)`}
          required
          value={model.value}
          onInput={(e: Event) => {
            model.value = (e.target as HTMLInputElement).value;
            if (fieldErrors.value[name]) fieldErrors.value = { ...fieldErrors.value, [name]: "" };
          }}
          onKeydown={(e: KeyboardEvent) => stepKey(name, model, e)}
          data-testid={`ticket-${name}`}
        />
        {errorOf(name) && (
          <span class="field-error" data-testid={`ticket-${name}-error`}>
            {errorOf(name)}
          </span>
        )}
      </label>
    );

    return () => (
      <form class="card ticket" onSubmit={submit} data-testid="ticket">
        <h2>Order ticket</h2>
        <label class={{ invalid: !!fieldErrors.value.instId }}>
          Instrument
          <select
            value={props.instId}
            onChange={(e: Event) => props.onInstrument((e.target as HTMLSelectElement).value)}
            data-testid="ticket-inst"
          >
            {props.instruments.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
          {fieldErrors.value.instId && <span class="field-error">{fieldErrors.value.instId}</span>}
        </label>
        <div class="sides">
          <button
            type="button"
            class={{ buy: true, on: side.value === "buy" }}
            onClick={() => (side.value = "buy")}
            data-testid="ticket-buy"
          >
            Buy
          </button>
          <button
            type="button"
            class={{ sell: true, on: side.value === "sell" }}
            onClick={() => (side.value = "sell")}
            data-testid="ticket-sell"
          >
            Sell
          </button>
        </div>
        <label>
          Type
          <select
            value={ordType.value}
            onChange={(e: Event) => (ordType.value = (e.target as HTMLSelectElement).value as OrdType)}
            data-testid="ticket-type"
          >
            {TYPES.map((t) => (
              <option key={t.v} value={t.v}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {leverage.view()}
        <p class="quote">
          <button type="button" class="link down" onClick={() => ticker.value && (px.value = ticker.value.askPx)}>
            ask {fmtPx(ticker.value?.askPx, digits.value?.px)}
          </button>
          <button type="button" class="link up" onClick={() => ticker.value && (px.value = ticker.value.bidPx)}>
            bid {fmtPx(ticker.value?.bidPx, digits.value?.px)}
          </button>
        </p>
        {swap.value && (
          <p class="quote">
            <FundingBadge instId={props.instId} />
          </p>
        )}
        {ordType.value !== "market" && input("px", px, steps.value.px, "Price")}
        {input("sz", sz, steps.value.sz, "Size")}
        {spot.value && shareButtons("Size as a share of what is available", "ticket-share", takeShare)}
        {swap.value &&
          shareButtons("Size as a share of the margin available, at the leverage", "ticket-share", takeShare)}
        {swap.value && (
          <label class="check">
            <input
              type="checkbox"
              checked={reduceOnly.value}
              onChange={(e: Event) => (reduceOnly.value = (e.target as HTMLInputElement).checked)}
              data-testid="ticket-reduce-only"
            />
            Reduce only
          </label>
        )}
        {guard.view()}
        <dl class="funds">
          {(spot.value || swap.value) && (
            <>
              <dt>Available</dt>
              <dd data-testid="ticket-avail">
                {swap.value ? marginAvail.value : available.value} {swap.value ? ccys.value.quote : ccys.value.spends}
              </dd>
            </>
          )}
          <dt>Value</dt>
          <dd data-testid="ticket-value">{value.value}</dd>
          {swap.value && (
            <>
              <dt>Margin</dt>
              <dd data-testid="ticket-margin">{margin.value}</dd>
            </>
          )}
        </dl>
        {formError.value && (
          <p class="error" role="alert" data-testid="ticket-error">
            {formError.value}
          </p>
        )}
        {done.value && (
          <p class="ok" data-testid="ticket-done">
            {done.value}
          </p>
        )}
        <button
          type="submit"
          class={side.value === "buy" ? "buy on" : "sell on"}
          disabled={busy.value}
          data-testid="ticket-submit"
        >
          {busy.value ? "Sending…" : `${side.value === "buy" ? "Buy" : "Sell"} ${props.instId}`}
        </button>
      </form>
    );
  },
  { props: ["instId", "instruments", "onInstrument"] },
);
