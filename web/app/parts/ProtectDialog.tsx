// TP/SL for a position or a spot holding: a stop loss and/or a take profit as a `stop` strategy
// (created and started here; held by the service, so it fires with this page closed, and after a
// restart). Opened on a guard already set, it moves its prices or its size (live params; its
// limits follow the size) or cancels it (stops the strategy). A trailing stop's percent makes the
// stop follow the best price since it was set. A position's guard covers all of it by default, its
// size following the position (grown or partly closed) until it fires; unticked, a size of it. The prices are checked against the last price
// before they are sent (a long's stop under it, its take profit over it); a refusal by the server
// is shown on the field it names.
import { defineComponent, onMounted, shallowRef } from "vue";
import { ApiRequestError, errorText } from "../../client/http.ts";
import { toTick } from "../../client/rules.ts";
import { useTradewire } from "../../vue/context.ts";
import { useInstrument, useTicker } from "../../vue/market.ts";
import { fmtPct } from "../format.ts";
import { startGuard } from "../guards.ts";
import {
  checkProtect,
  type Guard,
  type Guarded,
  outcomeAt,
  type ProtectInput,
  pnlText,
  protectLimits,
  protectStrategy,
  trailStart,
} from "../protect.ts";
import { go } from "../router.ts";
import { decimalField } from "./fields.tsx";
import { Modal } from "./Modal.tsx";

type Field = "stopPx" | "takeProfitPx" | "trailPct" | "size";

export const ProtectDialog = defineComponent(
  (props: { target: Guarded; guard?: Guard; onDone: () => void }) => {
    const tw = useTradewire();
    const { instId, side, size: sz, entry, what } = props.target;
    const rules = useInstrument(instId);
    const ticker = useTicker(instId);
    const g = props.guard;
    const values = {
      stopPx: shallowRef(g?.stopPx !== undefined ? String(g.stopPx) : ""),
      takeProfitPx: shallowRef(g?.takeProfitPx !== undefined ? String(g.takeProfitPx) : ""),
      trailPct: shallowRef(g?.trailPct !== undefined ? String(g.trailPct) : ""),
      size: shallowRef(g ? String(g.size) : sz),
    };
    /**
     * A position's guard: its size follows the position (the stop's entirePosition); a new one
     * does by default (a position's TP/SL protects the position), a holding's never.
     */
    const entire = shallowRef(g ? g.entire === true : !props.target.spot);
    const errors = shallowRef<Record<string, string>>({});
    const failure = shallowRef<string | null>(null);
    const busy = shallowRef(false);
    const first = shallowRef<HTMLInputElement | null>(null);
    onMounted(() => first.value?.focus());
    const last = () => Number(ticker.value?.last ?? props.target.markPx);
    const input = (): ProtectInput => ({
      side,
      last: last(),
      stopPx: values.stopPx.value,
      takeProfitPx: values.takeProfitPx.value,
      trailPct: values.trailPct.value,
      // All of it: the size it starts at is the position's now.
      size: entire.value ? sz : values.size.value,
      entire: entire.value,
    });
    const submit = async (e: Event) => {
      e.preventDefault();
      const r = rules.value;
      if (!r) return void (failure.value = `no trading rules for ${instId} yet`);
      const wrong = checkProtect(input(), r);
      errors.value = wrong;
      if (Object.keys(wrong).length > 0) return;
      busy.value = true;
      failure.value = null;
      try {
        if (g) {
          const price = (v: string) => (v.trim() ? Number(v) : null); // null takes a price away
          const size = Number(input().size);
          const params = {
            stopPx: price(values.stopPx.value),
            takeProfitPx: price(values.takeProfitPx.value),
            trailPct: price(values.trailPct.value),
            size,
            entirePosition: entire.value,
          };
          // Its limits follow its size (a position grown since it was set).
          await tw.rest.strategies.update(g.id, { params, limits: protectLimits(size, r.ctVal ?? 1, last()) });
        } else {
          await startGuard(tw.rest, protectStrategy(instId, input(), r.ctVal ?? 1));
        }
        props.onDone();
      } catch (err) {
        const named: Record<string, string> = {};
        if (err instanceof ApiRequestError)
          for (const f of ["stopPx", "takeProfitPx", "trailPct", "size"] as const) {
            const m = err.fieldMessage(`params.${f}`);
            if (m) named[f] = m;
          }
        errors.value = named;
        if (Object.keys(named).length === 0) failure.value = errorText(err);
      } finally {
        busy.value = false;
      }
    };
    /** Cancels the guard: its strategy stops (it has no order resting). */
    const cancel = async () => {
      if (!g) return;
      busy.value = true;
      try {
        await tw.rest.strategies.stop(g.id);
        props.onDone();
      } catch (err) {
        failure.value = errorText(err);
      } finally {
        busy.value = false;
      }
    };
    /** What closing at a typed price would mean: its distance from the last, and (linear contracts, spot) its PnL. */
    const outcome = (name: "stopPx" | "takeProfitPx") => {
      const at = outcomeAt(values[name].value, {
        side,
        last: last(),
        avgPx: entry ?? Number.NaN,
        size: Number(input().size),
        ctVal: rules.value?.ctVal ?? 1,
      });
      if (!at) return null;
      const pnl = pnlText(at, instId);
      return `${fmtPct(at.pct)} from the last${pnl ? ` · ${pnl}` : ""}`;
    };
    /** Where a trailing stop would start now, and what closing there would mean. */
    const trailing = () => {
      const tick = rules.value?.tickSz;
      if (!tick) return null;
      const at = trailStart(side, last(), values.trailPct.value, values.stopPx.value, tick);
      if (at === null) return null;
      const px = toTick(at, tick);
      const o = outcomeAt(String(at), {
        side,
        last: last(),
        avgPx: entry ?? Number.NaN,
        size: Number(input().size),
        ctVal: rules.value?.ctVal ?? 1,
      });
      const pnl = pnlText(o, instId);
      return `the stop is at ${px} now, then follows the ${side === "sell" ? "high" : "low"}${pnl ? ` · ${pnl}` : ""}`;
    };
    const field = (name: Field, label: string, hint: string) => {
      const meaning = name === "size" ? null : name === "trailPct" ? trailing() : outcome(name);
      return decimalField({
        name,
        label,
        hint,
        value: values[name].value,
        onInput: (v) => {
          values[name].value = v;
          if (errors.value[name]) errors.value = { ...errors.value, [name]: "" };
        },
        testid: `protect-${name}`,
        error: errors.value[name],
        note: meaning,
        ...(name === "stopPx" ? { inputRef: first } : {}),
      });
    };
    const sell = side === "sell";
    return () => (
      <Modal label={`TP/SL ${instId}`} onClose={props.onDone}>
        <form class="card dialog ticket protect" onSubmit={submit} data-testid="protect">
          <h2>TP/SL {instId}</h2>
          <p class="muted">
            {sell ? "Sells" : "Buys"} the size{props.target.spot ? "" : ", reduce only,"} when the last price (
            {ticker.value?.last ?? "–"}) reaches the stop or the take profit. Held by the service: it fires with this
            page closed.
          </p>
          {field("stopPx", "Stop loss", sell ? "at or under this price" : "at or over this price")}
          {field("takeProfitPx", "Take profit", sell ? "at or over this price" : "at or under this price")}
          {field(
            "trailPct",
            "Trailing stop %",
            `the stop follows the best price, this far ${sell ? "under" : "over"} it; empty: a fixed stop`,
          )}
          {!props.target.spot && (
            <label class="check">
              <input
                type="checkbox"
                checked={entire.value}
                onChange={(e: Event) => (entire.value = (e.target as HTMLInputElement).checked)}
                data-testid="protect-entire"
              />
              All of the position, as it grows or shrinks
            </label>
          )}
          {!entire.value && field("size", "Size", `of the ${what} (${sz})`)}
          {failure.value && (
            <p class="field-error" role="alert" data-testid="protect-error">
              {failure.value}
            </p>
          )}
          <div class="row end">
            {g && (
              <>
                <a
                  href={`/strategies/${g.id}`}
                  onClick={(e: MouseEvent) => {
                    e.preventDefault();
                    go(`/strategies/${g.id}`);
                  }}
                >
                  its page
                </a>
                <button
                  type="button"
                  class="ghost danger"
                  disabled={busy.value}
                  onClick={() => void cancel()}
                  data-testid="protect-cancel"
                >
                  Cancel TP/SL
                </button>
              </>
            )}
            <button type="button" class="ghost" onClick={props.onDone} data-testid="protect-back">
              Back
            </button>
            <button type="submit" class="primary" disabled={busy.value} data-testid="protect-submit">
              {g ? "Move" : "Set TP/SL"}
            </button>
          </div>
        </form>
      </Modal>
    );
  },
  { props: ["target", "guard", "onDone"] },
);
