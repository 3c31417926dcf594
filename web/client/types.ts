// The events the stream carries, typed from the server's own domain types (type imports only:
// nothing of the server runs here), and the protocol messages around them.

import type { AlertGone, PriceAlert } from "../../src/domain/alerts.ts";
import type {
  Account,
  Balance,
  Book,
  Candle,
  Fill,
  Funding,
  Order,
  Position,
  SystemEvent,
  Ticker,
  Trade,
} from "../../src/domain/events.ts";
import type { StrategyStatus } from "../../src/strategies/model.ts";
import type { CommandRecord, Leverage } from "./rest.ts";

export type { AlertGone, PriceAlert } from "../../src/domain/alerts.ts";

export type {
  Account,
  Balance,
  Book,
  Candle,
  Fill,
  Funding,
  Level,
  Order,
  Position,
  SystemEvent,
  Ticker,
  Trade,
} from "../../src/domain/events.ts";
export type { OrderState } from "../../src/domain/orders.ts";
export type {
  LogLine,
  StrategyFigures,
  StrategyState,
  StrategyStatus,
} from "../../src/strategies/model.ts";

/** What an external engine reports on its strategy's channel: free form, with its engineId (docs/engine-protocol.md). */
export interface EngineStrategyStatus {
  id: string;
  engineId: string;
  state?: string;
  [field: string]: unknown;
}

/** A built-in strategy's status, an engine's report on one of its own, or word that a strategy was deleted. */
export type StrategyEvent = StrategyStatus | EngineStrategyStatus | { id: string; deleted: true };

/** Event type -> its `data`. */
export interface EventDataMap {
  ticker: Ticker;
  book: Book;
  trade: Trade;
  candle: Candle;
  /** A perpetual swap's funding rate and when it is paid. */
  funding: Funding;
  order: Order;
  fill: Fill;
  position: Position;
  balance: Balance;
  account: Account;
  system: SystemEvent;
  command: CommandRecord;
  strategy: StrategyEvent;
  /** A price alert as it is now (set, fired), or word that it was removed. */
  alert: PriceAlert | AlertGone;
  /** A swap's leverage as it was just set. */
  leverage: Leverage;
}

export type EventType = keyof EventDataMap;
export const EVENT_TYPES: readonly EventType[] = [
  "ticker",
  "book",
  "trade",
  "candle",
  "funding",
  "order",
  "fill",
  "position",
  "balance",
  "account",
  "system",
  "command",
  "strategy",
  "alert",
  "leverage",
];

/** Channel head -> the event type it carries. */
export interface ChannelTypes {
  tickers: "ticker";
  books: "book";
  books5: "book";
  trades: "trade";
  candles: "candle";
  funding: "funding";
  orders: "order";
  fills: "fill";
  positions: "position";
  balances: "balance";
  account: "account";
  system: "system";
  commands: "command";
  strategy: "strategy";
  alerts: "alert";
  leverage: "leverage";
}

/** Channels only traders, admins and engines may read (viewers get 403; see src/auth/types.ts). */
export const PRIVATE_CHANNELS: ReadonlySet<string> = new Set([
  "orders",
  "positions",
  "account",
  "balances",
  "commands",
  "fills",
  "leverage",
]);

/** When each stage saw the event (ms since 1970, sub-ms): exchange, tradewire received, published. */
export interface EventTimes {
  ex?: number;
  rx: number;
  pub: number;
}

/** One event as the stream delivers it (`data:` of SSE, a WS text message, a poll item). */
export type StreamEvent<T extends EventType = EventType> = T extends EventType
  ? { id: string; type: T; channel: string; ts: EventTimes; data: EventDataMap[T] }
  : never;

/** The event type a pattern given to `on()` selects: a type, a channel, or a channel pattern. */
export type TypeOf<P extends string> = P extends EventType
  ? P
  : P extends `${infer H}:${string}`
    ? H extends keyof ChannelTypes
      ? ChannelTypes[H]
      : EventType
    : P extends keyof ChannelTypes
      ? ChannelTypes[P]
      : EventType;

/** What the server says when a stream starts. */
export interface ConnectedInfo {
  serverTime: number;
  epoch: string;
  head: string;
  channels: string[];
  /** The id the stream continues from, or null when it started fresh. */
  resumed?: string | null;
  retryMs?: number;
}

export interface ResetInfo {
  reason: string;
  epoch: string;
  head: string;
}

/** The connection's state as the page should show it. */
export type StreamStatus = "connecting" | "live" | "resyncing" | "offline";

export type TransportName = "sse" | "ws" | "poll";

export interface StreamError {
  code: string;
  message: string;
  at: number;
}
