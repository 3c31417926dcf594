// Vue 3 composables over the tradewire client: install createTradewire() once, then use these
// in any component. State is keyed, shared between components, and written once per frame.

export {
  type ClosedOrder,
  useAccount,
  useBalances,
  useFills,
  useOrderHistory,
  useOrders,
  usePositions,
} from "./account.ts";
export { type Alerts, useAlerts } from "./alerts.ts";
export { BAR_MS, type Bar, type Candles, useCandles } from "./candles.ts";
export { useKillSwitch } from "./commands.ts";
export { createTradewire, TRADEWIRE, type Tradewire, useTradewire } from "./context.ts";
export { flushFrames } from "./frame.ts";
export {
  useFunding,
  useInstrument,
  useInstruments,
  useOrderBook,
  useTicker,
  useTickers,
  useTrades,
} from "./market.ts";
export {
  engineOf,
  figuresOf,
  useStrategies,
  useStrategy,
  useStrategyKinds,
  useStrategyWrites,
} from "./strategies.ts";
export { type EventStreamOptions, useEventStream } from "./stream.ts";
