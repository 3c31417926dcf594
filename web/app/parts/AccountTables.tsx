// Fills (with their export) and balances (each with its value in USD, largest first; the equity
// curve under them): small live tables.
import { computed, defineComponent, onUnmounted, shallowRef, toRaw } from "vue";
import { useBalances, useFills } from "../../vue/account.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtQty, fmtSz, fmtWhen } from "../format.ts";
import { useSelection } from "../selection.ts";
import { usdPrice } from "../usd-value.ts";
import { EquityCurve } from "./EquityCurve.tsx";
import { ExportFills } from "./ExportFills.tsx";
import { StrategyTag } from "./StrategyTag.tsx";

export const Fills = defineComponent(() => {
  const fills = useFills();
  const digits = useDigits();
  return () => (
    <section class="card fills" data-testid="fills">
      <header class="row">
        <h2>Fills</h2>
        <ExportFills />
      </header>
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>Time</th>
              <th>Instrument</th>
              <th>Side</th>
              <th class="num">Price</th>
              <th class="num">Size</th>
              <th class="num hide-narrow">Fee</th>
            </tr>
          </thead>
          <tbody>
            {fills.value.slice(0, 30).map((f) => (
              <tr key={`${f.ordId}:${f.tradeId}`}>
                <td>{fmtWhen(f.ts)}</td>
                <td>
                  {f.instId}
                  <StrategyTag clOrdId={f.clOrdId} />
                </td>
                <td class={f.side === "buy" ? "up" : "down"}>{f.side}</td>
                <td class="num">{fmtPx(f.fillPx, digits(f.instId)?.px)}</td>
                <td class="num">{fmtSz(f.fillSz, digits(f.instId)?.sz)}</td>
                <td class="num hide-narrow">
                  {f.fee} {f.feeCcy}
                </td>
              </tr>
            ))}
            {fills.value.length === 0 && (
              <tr>
                <td colspan={6} class="empty">
                  No fills yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
});

export const Balances = defineComponent(() => {
  const { list } = useBalances();
  const { tickers } = useSelection();
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
            <th class="num wide-only">Frozen</th>
            <th class="num" title="Its equity in USD at the last price">
              USD
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.value.map(({ b, value }) => (
            <tr key={b.ccy} data-testid={`balance-${b.ccy}`}>
              <td>{b.ccy}</td>
              <td class="num">{fmtQty(b.eq)}</td>
              <td class="num">{fmtQty(b.availBal)}</td>
              <td class="num wide-only">{fmtQty(b.frozenBal)}</td>
              <td class="num" data-testid="balance-usd">
                {value === null ? "–" : fmtQty(value)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <EquityCurve />
    </section>
  );
});
