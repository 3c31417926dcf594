// The user's fills, newest first, with their export: a small live table. A fill that reduced a
// swap's position shows the PnL it realized; the header, what today's fills realized.
import { defineComponent } from "vue";
import { useFills } from "../../vue/account.ts";
import { useRealizedToday } from "../../vue/realized.ts";
import { useDigits } from "../digits.ts";
import { fmtFee, fmtPx, fmtRealized, fmtSz, fmtWhen } from "../format.ts";
import { ExportFills } from "./ExportFills.tsx";
import { StrategyTag } from "./StrategyTag.tsx";

export const Fills = defineComponent(() => {
  const fills = useFills();
  const today = useRealizedToday();
  const digits = useDigits();
  return () => (
    <section class="card fills" data-testid="fills">
      <header class="row">
        <h2>Fills</h2>
        {today.value.length > 0 && (
          <small class="realized-today" data-testid="realized-today" title="What today's fills realized, before fees">
            today{" "}
            {today.value.map(([ccy, pnl]) => (
              <span key={ccy} class={pnl > 0 ? "up" : "down"}>
                {fmtRealized(String(pnl))} {ccy}
              </span>
            ))}
          </small>
        )}
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
              <th class="num" title="What a fill that reduced a position realized, before fees">
                PnL
              </th>
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
                <td class={`num ${Number(f.fillPnl) > 0 ? "up" : "down"}`} data-testid="fill-pnl">
                  {fmtRealized(f.fillPnl)}
                </td>
                <td class="num hide-narrow">
                  {fmtFee(f.fee, f.feeCcy)} {f.feeCcy}
                </td>
              </tr>
            ))}
            {fills.value.length === 0 && (
              <tr>
                <td colspan={7} class="empty">
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
