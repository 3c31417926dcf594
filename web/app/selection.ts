// The instrument the trader is looking at, shared by Markets and Trading and kept across
// reloads; the first instrument with a ticker until one is picked. And a price handed to the
// order ticket (a click on a book's price, on either page), until the ticket takes it.
import { computed, type ShallowRef, shallowRef } from "vue";
import { useTickers } from "../vue/market.ts";

const KEY = "tradewire.instrument";
const picked = shallowRef<string | null>(localStorage.getItem(KEY));

export function pick(instId: string): void {
  picked.value = instId;
  localStorage.setItem(KEY, instId);
}

/** A price for the order ticket of `instId`, new with each click (the same price twice is two). */
export const handedPrice: ShallowRef<{ instId: string; px: string } | null> = shallowRef(null);

export function handPrice(instId: string, px: string): void {
  handedPrice.value = { instId, px };
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
