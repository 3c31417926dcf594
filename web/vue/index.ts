// Vue 3 composables over the tradewire client: install createTradewire() once, then use these
// in any component. State is keyed, shared between components, and written once per frame.
export { createTradewire, type Tradewire, TRADEWIRE, useTradewire } from "./context.ts";
export { useEventStream, type EventStreamOptions } from "./stream.ts";
export { useOrderBook, useTicker, useTickers, useTrades } from "./market.ts";
export { useBalances, useFills, useOrders, usePositions } from "./account.ts";
export { type Bar, BAR_MS, type Candles, useCandles } from "./candles.ts";
export { flushFrames } from "./frame.ts";
