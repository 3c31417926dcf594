// The instrument the trader is looking at, shared by Markets and Trading and kept across
// reloads; the first instrument with a ticker until one is picked.
import { computed, shallowRef } from "vue";
import { useTickers } from "../vue/market.ts";

const KEY = "tradewire.instrument";
const picked = shallowRef<string | null>(localStorage.getItem(KEY));

export function pick(instId: string): void {
  picked.value = instId;
  localStorage.setItem(KEY, instId);
}

export function useSelection() {
  const tickers = useTickers();
  const instruments = computed(() => [...tickers.keys()].sort());
  const selected = computed(
    () =>
      (picked.value && (tickers.has(picked.value) || tickers.size === 0) ? picked.value : instruments.value[0]) ?? "",
  );
  return { tickers, instruments, selected };
}
