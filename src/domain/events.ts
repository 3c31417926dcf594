// tradewire's normalized events: what the OKX client publishes onto the bus and every client
// (browser, state, recorder) reads. Prices and sizes stay decimal strings (exact, as OKX sends
// them); times are numbers (ms since 1970). Channel -> event type:
//   tickers:<instId> -> ticker     books:<instId> -> book (top levels, full snapshot each time)
//   trades:<instId>  -> trade      candles:<instId> -> candle
//   funding:<instId> -> funding (perpetual swaps)
//   orders -> order   fills -> fill   positions -> position   balances -> balance
//   account -> account   system -> system (connectivity, resyncs)

import type { OrderState } from "./orders.ts";

export type Decimal = string;

export interface Ticker {
  instId: string;
  last: Decimal;
  lastSz: Decimal;
  bidPx: Decimal;
  bidSz: Decimal;
  askPx: Decimal;
  askSz: Decimal;
  open24h: Decimal;
  high24h: Decimal;
  low24h: Decimal;
  vol24h: Decimal;
  volCcy24h: Decimal;
  ts: number;
}

/** [price, size, orders] */
export type Level = [Decimal, Decimal, number];

export interface Book {
  instId: string;
  /** Best first. */
  bids: Level[];
  asks: Level[];
  ts: number;
  /** OKX seqId of the update this snapshot reflects. */
  seqId: number;
  depth: number;
}

export interface Trade {
  instId: string;
  tradeId: string;
  px: Decimal;
  sz: Decimal;
  /** Taker side. */
  side: "buy" | "sell";
  ts: number;
}

export interface Candle {
  instId: string;
  bar: string;
  ts: number;
  o: Decimal;
  h: Decimal;
  l: Decimal;
  c: Decimal;
  vol: Decimal;
  volCcy: Decimal;
  confirmed: boolean;
}

/**
 * A perpetual swap's funding (OKX `funding-rate`): the rate of the period that ends at
 * `fundingTime`, paid by longs to shorts when positive (per period, a fraction of the position's
 * value at the mark), and the rate last settled. OKX pushes it every 30-90 s and after each settlement.
 */
export interface Funding {
  instId: string;
  fundingRate: Decimal;
  /** When the current period ends and its funding is paid. */
  fundingTime: number;
  /** When the period after it ends. */
  nextFundingTime: number;
  /** The rate of the period settled last ("" when the exchange does not say). */
  settFundingRate: Decimal;
  ts: number;
}

export interface Order {
  ordId: string;
  clOrdId: string;
  instId: string;
  instType: string;
  side: "buy" | "sell";
  ordType: string;
  tdMode: string;
  posSide: string;
  px: Decimal;
  sz: Decimal;
  state: OrderState;
  accFillSz: Decimal;
  avgPx: Decimal;
  /** The latest fill only ("" when this update is not a fill). */
  fillPx: Decimal;
  fillSz: Decimal;
  fillTime: number | null;
  tradeId: string;
  execType: string;
  /** Negative when charged. */
  fee: Decimal;
  feeCcy: string;
  reduceOnly: boolean;
  cTime: number;
  uTime: number;
}

export interface Fill {
  ordId: string;
  clOrdId: string;
  instId: string;
  tradeId: string;
  side: "buy" | "sell";
  fillPx: Decimal;
  fillSz: Decimal;
  fee: Decimal;
  feeCcy: string;
  /** The PnL this fill realized, in the settlement currency: a fill that reduces a derivative's position; "0" otherwise, "" when the exchange does not say. */
  fillPnl?: Decimal;
  execType: string;
  ts: number;
}

export interface Position {
  instId: string;
  instType: string;
  posId: string;
  posSide: string;
  pos: Decimal;
  avgPx: Decimal;
  upl: Decimal;
  lever: Decimal;
  mgnMode: string;
  markPx: Decimal;
  liqPx: Decimal;
  /** The unrealized PnL as a fraction of the position's margin, as the exchange works it out ("" when it gives none). */
  uplRatio: Decimal;
  /** What the position has realized since it was opened, fees included (OKX's); "" when not given. */
  realizedPnl?: Decimal;
  uTime: number;
}

export interface Balance {
  ccy: string;
  eq: Decimal;
  cashBal: Decimal;
  availBal: Decimal;
  frozenBal: Decimal;
  uTime: number;
}

export interface Account {
  totalEq: Decimal;
  upl: Decimal;
  imr: Decimal;
  mmr: Decimal;
  uTime: number;
}

/**
 * Connectivity and data-quality notices. Kinds the OKX client publishes:
 * - `connection` {conn: "public"|"private"|"business", state: "up"|"down", error, ts}
 * - `book_resync` {instId, channel: "books:<instId>", reason: "gap"|"checksum"|"disconnected",
 *   detail, ts}: the book is stale; no `book` event for it until the fresh snapshot, which is
 *   the next `book` event on that channel.
 */
export interface SystemEvent {
  kind: string;
  [k: string]: unknown;
}

/** Every normalized event with its channel and type, as the OKX client publishes it. */
export type Normalized =
  | { type: "ticker"; channel: `tickers:${string}`; data: Ticker; exTs: number }
  | { type: "book"; channel: `books:${string}`; data: Book; exTs: number }
  | { type: "trade"; channel: `trades:${string}`; data: Trade; exTs: number }
  // OKX candle pushes carry only the bar's open time, no event time: no exTs.
  | { type: "candle"; channel: `candles:${string}`; data: Candle; exTs?: number }
  | { type: "funding"; channel: `funding:${string}`; data: Funding; exTs: number }
  | { type: "order"; channel: "orders"; data: Order; exTs: number }
  | { type: "fill"; channel: "fills"; data: Fill; exTs: number }
  | { type: "position"; channel: "positions"; data: Position; exTs: number }
  | { type: "balance"; channel: "balances"; data: Balance; exTs: number }
  | { type: "account"; channel: "account"; data: Account; exTs: number }
  | { type: "system"; channel: "system"; data: SystemEvent; exTs?: number };
