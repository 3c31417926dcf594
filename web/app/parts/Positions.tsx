// Open positions, live (what each is worth at the mark, its uPnL and return on margin, its next funding, the stop
// loss and take profit that guard it), and for those who may trade a Close on each: after a
// confirmation, a reduce-only market order for all of it (on the position's side in long/short
// mode); a TP/SL (a stop strategy, net positions; a click on one set moves or cancels it); and a Close all (the close_all command, as on
// the Commands page).
import { defineComponent, shallowRef } from "vue";
import { errorText } from "../../client/http.ts";
import type { Position } from "../../client/types.ts";
import { usePositions } from "../../vue/account.ts";
import { useTradewire } from "../../vue/context.ts";
import { useInstruments } from "../../vue/market.ts";
import { useDigits } from "../digits.ts";
import { fmtPct, fmtPx, fmtQty, fmtRealized } from "../format.ts";
import { useGuards } from "../guards.ts";
import { positionValue, returnOnMargin } from "../position-figures.ts";
import { type Guard, type Guarded, guardedPosition } from "../protect.ts";
import { useSession } from "../session.ts";
import { CloseDialog } from "./CloseDialog.tsx";
import { Confirm } from "./Confirm.tsx";
import { GuardButtons } from "./GuardButtons.tsx";
import { PositionFunding } from "./PositionFunding.tsx";
import { ProtectDialog } from "./ProtectDialog.tsx";

const keyOf = (p: Position) => `${p.instId}:${p.posSide || "net"}`;
/** A position's value in whole units of its quote currency (1290.04 -> "1290"; 12345678 -> "12.35M"). */
const fmtValue = (v: number | null) => (v === null ? "–" : v < 100_000 ? String(Math.round(v)) : fmtQty(v));
const fmtRoe = (r: number | null) => (r === null ? "" : `(${fmtPct(r)})`);
export const Positions = defineComponent(() => {
  const tw = useTradewire();
  const { list } = usePositions();
  const { canTrade } = useSession();
  const digits = useDigits();
  const asking = shallowRef<Position | null>(null);
  /** The TP/SL dialog: a new guard for a position, or one already set. */
  const protecting = shallowRef<{ target: Guarded; guard?: Guard } | null>(null);
  const guards = useGuards();
  const askingAll = shallowRef(false);
  const allError = shallowRef<string | null>(null);
  /** The close_all command: every position held, whoever opened it. */
  const closeAll = async () => {
    askingAll.value = false;
    allError.value = null;
    try {
      const rec = await tw.rest.commands.run({ type: "close_all" });
      if (rec.error) allError.value = rec.error.message;
    } catch (err) {
      allError.value = errorText(err);
    }
  };
  const cols = () => (canTrade.value ? 10 : 9);
  const rules = useInstruments();
  const ctVal = (instId: string) => rules.get(instId)?.ctVal ?? 1;
  return () => (
    <section class="card positions" data-testid="positions">
      <header class="row">
        <h2>Positions</h2>
        {canTrade.value && list.value.length > 0 && (
          <button
            type="button"
            class="ghost danger small"
            onClick={() => (askingAll.value = true)}
            data-testid="close-all-positions"
          >
            Close all
          </button>
        )}
        {allError.value && (
          <span class="field-error" role="alert">
            {allError.value}
          </span>
        )}
      </header>
      <table class="grid">
        <thead>
          <tr>
            <th>Instrument</th>
            <th class="num">Size</th>
            <th class="num">Avg px</th>
            <th class="num hide-narrow">Mark</th>
            <th class="num hide-narrow">Liq. px</th>
            <th class="num wide-only" title="What it is worth at the mark price, in the quote currency">
              Value
            </th>
            <th class="num" title="Unrealized PnL, and as a share of the margin it took at entry">
              uPnL
            </th>
            <th
              class="num wide-only"
              title="What the position has realized since it was opened, fees and funding included"
            >
              Realized
            </th>
            <th
              class="num wide-only"
              title="What a swap position pays (negative) or receives at the next funding, at the mark and the current rate"
            >
              Funding
            </th>
            {canTrade.value && <th />}
          </tr>
        </thead>
        <tbody>
          {list.value.map((p) => {
            const key = keyOf(p);
            return (
              <tr key={key} data-testid={`position-${key}`}>
                <td>
                  {p.instId} <small class="muted">{p.posSide !== "net" ? p.posSide : ""}</small>
                  {Number(p.lever) > 0 && (
                    <small class="muted hide-narrow" title="Leverage (cross margin)" data-testid="position-lever">
                      {" "}
                      {p.lever}x
                    </small>
                  )}
                  <GuardButtons
                    guards={guards.value.filter((g) => g.instId === p.instId)}
                    held={Math.abs(Number(p.pos))}
                    disabled={!canTrade.value}
                    onPick={(g) => (protecting.value = { target: guardedPosition(p), guard: g })}
                  />
                </td>
                <td class={`num ${Number(p.pos) >= 0 ? "up" : "down"}`}>{p.pos}</td>
                <td class="num">{fmtPx(p.avgPx, digits(p.instId)?.px)}</td>
                <td class="num hide-narrow">{fmtPx(p.markPx, digits(p.instId)?.px)}</td>
                <td class="num hide-narrow" data-testid="position-liq">
                  {Number(p.liqPx) > 0 ? fmtPx(p.liqPx, digits(p.instId)?.px) : "–"}
                </td>
                <td class="num wide-only" data-testid="position-value">
                  {fmtValue(positionValue(p, ctVal(p.instId)))}
                </td>
                <td
                  class={`num ${Number(p.upl) >= 0 ? "up" : "down"}`}
                  data-testid="position-upl"
                  title={
                    fmtRealized(p.realizedPnl) &&
                    `realized since opened, fees and funding included: ${fmtRealized(p.realizedPnl)}`
                  }
                >
                  {Number(p.upl).toFixed(2)} <small class="roe">{fmtRoe(returnOnMargin(p, ctVal(p.instId)))}</small>
                </td>
                <td
                  class={`num wide-only ${Number(p.realizedPnl) > 0 ? "up" : "down"}`}
                  data-testid="position-realized"
                >
                  {fmtRealized(p.realizedPnl)}
                </td>
                <PositionFunding position={p} ctVal={ctVal(p.instId)} />
                {canTrade.value && (
                  <td class="num actions-cell">
                    {(p.posSide === "net" || p.posSide === "") && (
                      <button
                        type="button"
                        class="ghost small"
                        title="A stop loss and/or take profit, held by the service"
                        data-testid="position-protect"
                        onClick={() => (protecting.value = { target: guardedPosition(p) })}
                      >
                        TP/SL
                      </button>
                    )}
                    <button
                      type="button"
                      class="ghost small"
                      data-testid="position-close"
                      onClick={() => (asking.value = p)}
                    >
                      Close
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
          {list.value.length === 0 && (
            <tr>
              <td colspan={cols()} class="empty">
                No open positions.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {asking.value && <CloseDialog position={asking.value} onDone={() => (asking.value = null)} />}
      {protecting.value && (
        <ProtectDialog
          target={protecting.value.target}
          guard={protecting.value.guard}
          onDone={() => (protecting.value = null)}
        />
      )}
      {askingAll.value && (
        <Confirm
          title="Close all positions"
          text={`Every position (${list.value.length}) is closed with a reduce-only market order for all of it.`}
          action="Close all at market"
          danger
          onYes={() => void closeAll()}
          onNo={() => (askingAll.value = false)}
        />
      )}
    </section>
  );
});
