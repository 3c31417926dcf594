// The tab's title carries the selected instrument's last price ("42861.8 BTC-USDT · tradewire"),
// written once a second: a trader sees the market from another tab or the taskbar.
import { onScopeDispose, toRaw } from "vue";
import { useDigits } from "./digits.ts";
import { fmtPx } from "./format.ts";
import { useSelection } from "./selection.ts";

const NAME = "tradewire";
const EVERY_MS = 1000;

export function usePriceInTitle(): void {
  const { tickers, selected } = useSelection();
  const digits = useDigits();
  const write = () => {
    const id = selected.value;
    const t = toRaw(tickers).get(id);
    document.title = t ? `${fmtPx(t.last, digits(id)?.px)} ${id} · ${NAME}` : NAME;
  };
  write();
  const timer = setInterval(write, EVERY_MS);
  onScopeDispose(() => {
    clearInterval(timer);
    document.title = NAME;
  });
}
