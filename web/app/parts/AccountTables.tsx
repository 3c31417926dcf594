// Fills, positions and balances: small live tables.
import { defineComponent } from "vue";
import { useBalances, useFills, usePositions } from "../../vue/account.ts";
import { useDigits } from "../digits.ts";
import { fmtPx, fmtQty, fmtSz, fmtTime } from "../format.ts";

export const Fills = defineComponent(() => {
  const fills = useFills();
  const digits = useDigits();
  return () => (
    <section class="card fills" data-testid="fills">
      <h2>Fills</h2>
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
                <td>{fmtTime(f.ts)}</td>
                <td>{f.instId}</td>
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

export const Positions = defineComponent(() => {
  const { list } = usePositions();
  const digits = useDigits();
  return () => (
    <section class="card positions" data-testid="positions">
      <h2>Positions</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Instrument</th>
            <th class="num">Size</th>
            <th class="num">Avg px</th>
            <th class="num hide-narrow">Mark</th>
            <th class="num">uPnL</th>
          </tr>
        </thead>
        <tbody>
          {list.value.map((p) => (
            <tr key={`${p.instId}:${p.posSide}`}>
              <td>
                {p.instId} <small class="muted">{p.posSide !== "net" ? p.posSide : ""}</small>
              </td>
              <td class={`num ${Number(p.pos) >= 0 ? "up" : "down"}`}>{p.pos}</td>
              <td class="num">{fmtPx(p.avgPx, digits(p.instId)?.px)}</td>
              <td class="num hide-narrow">{fmtPx(p.markPx, digits(p.instId)?.px)}</td>
              <td class={`num ${Number(p.upl) >= 0 ? "up" : "down"}`}>{Number(p.upl).toFixed(2)}</td>
            </tr>
          ))}
          {list.value.length === 0 && (
            <tr>
              <td colspan={5} class="empty">
                No open positions.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
});

export const Balances = defineComponent(() => {
  const { list } = useBalances();
  return () => (
    <section class="card balances" data-testid="balances">
      <h2>Balances</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Currency</th>
            <th class="num">Equity</th>
            <th class="num">Available</th>
            <th class="num hide-narrow">Frozen</th>
          </tr>
        </thead>
        <tbody>
          {list.value.map((b) => (
            <tr key={b.ccy}>
              <td>{b.ccy}</td>
              <td class="num">{fmtQty(b.eq)}</td>
              <td class="num">{fmtQty(b.availBal)}</td>
              <td class="num hide-narrow">{fmtQty(b.frozenBal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
});
