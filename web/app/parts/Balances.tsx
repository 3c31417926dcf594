// Balances, each with its value in USD (largest first); for a trader a TP/SL on a holding that has
// a spot pair, and the stops guarding it; the equity curve under them.
import { computed, defineComponent, onUnmounted, shallowRef, toRaw } from "vue";
import { useBalances } from "../../vue/account.ts";
import { useInstruments } from "../../vue/market.ts";
import { fmtQty } from "../format.ts";
import { useGuards } from "../guards.ts";
import { type Guard, type Guarded, guardedHolding } from "../protect.ts";
import { useSelection } from "../selection.ts";
import { useSession } from "../session.ts";
import { usdPrice } from "../usd-value.ts";
import { EquityCurve } from "./EquityCurve.tsx";
import { GuardButtons } from "./GuardButtons.tsx";
import { ProtectDialog } from "./ProtectDialog.tsx";

/** Quote currencies a holding is sold into, in the order a spot pair is looked for. */
const QUOTES = ["USDT", "USDC"];

export const Balances = defineComponent(() => {
  const { list } = useBalances();
  const { tickers } = useSelection();
  const { canTrade } = useSession();
  const rules = useInstruments();
  const guards = useGuards();
  /** The TP/SL dialog on a holding: a new guard, or one already set. */
  const protecting = shallowRef<{ target: Guarded; guard?: Guard } | null>(null);
  /** The spot pair a currency's holding is sold on (BTC -> BTC-USDT), when the exchange lists one. */
  const spotOf = (ccy: string) => QUOTES.map((q) => rules.get(`${ccy}-${q}`)).find((r) => r?.instType === "SPOT");
  /** Values follow the prices once a second (the tickers change ten times a second). */
  const clock = shallowRef(0);
  const timer = setInterval(() => clock.value++, 1000);
  onUnmounted(() => clearInterval(timer));
  const rows = computed(() => {
    void clock.value;
    const prices = toRaw(tickers);
    return list.value
      .map((b) => {
        const px = usdPrice(b.ccy, prices);
        return { b, value: px === null ? null : Number(b.eq) * px };
      })
      .sort((x, y) => (y.value ?? -1) - (x.value ?? -1) || x.b.ccy.localeCompare(y.b.ccy));
  });
  return () => (
    <section class="card balances" data-testid="balances">
      <h2>Balances</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Currency</th>
            <th class="num">Equity</th>
            <th class="num">Available</th>
            <th class="num frozen" title="Held by open orders">
              Frozen
            </th>
            <th class="num" title="Its equity in USD at the last price">
              USD
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.value.map(({ b, value }) => {
            const spot = spotOf(b.ccy);
            const holding = spot && canTrade.value ? guardedHolding(b.ccy, b.availBal, spot.instId, spot) : null;
            const guarding = spot ? guards.value.filter((g) => g.instId === spot.instId && g.side === "sell") : [];
            return [
              <tr key={b.ccy} data-testid={`balance-${b.ccy}`}>
                <td>
                  {b.ccy}
                  {holding && (
                    <button
                      type="button"
                      class="ghost small protect"
                      title={`A stop loss and/or take profit selling it on ${holding.instId}, held by the service`}
                      data-testid="balance-protect"
                      onClick={() => (protecting.value = { target: holding })}
                    >
                      TP/SL
                    </button>
                  )}
                </td>
                <td class="num">{fmtQty(b.eq)}</td>
                <td class="num">{fmtQty(b.availBal)}</td>
                <td class="num frozen">{fmtQty(b.frozenBal)}</td>
                <td class="num" data-testid="balance-usd">
                  {value === null ? "–" : fmtQty(value)}
                </td>
              </tr>,
              // Its guards on a line of their own, so their prices do not widen the currency column.
              spot && guarding.length > 0 && (
                <tr key={`${b.ccy}:guards`} class="guards" data-testid={`balance-${b.ccy}-guards`}>
                  <td colspan={5}>
                    <GuardButtons
                      guards={guarding}
                      disabled={!canTrade.value}
                      onPick={(g) =>
                        (protecting.value = {
                          target: holding ?? {
                            instId: spot.instId,
                            side: "sell",
                            size: String(g.size),
                            what: `${b.ccy} holding`,
                            spot: true,
                          },
                          guard: g,
                        })
                      }
                    />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
      {protecting.value && (
        <ProtectDialog
          target={protecting.value.target}
          guard={protecting.value.guard}
          onDone={() => (protecting.value = null)}
        />
      )}
      <EquityCurve />
    </section>
  );
});
