// OKX REST request and response types for the endpoints tradewire uses (OKX.md §6), kept
// apart: requests are what we send (typed tighter than the wire allows), responses are the
// shared wire types of src/okx/types.ts.

// ---- Requests -------------------------------------------------------------------------------
import type { InstType } from "../../okx/types.ts";

export interface InstrumentsRequest {
  instType: InstType;
  uly?: string;
  instFamily?: string;
  instId?: string;
}
export interface TickersRequest {
  instType: InstType;
  uly?: string;
  instFamily?: string;
}
export interface BooksRequest {
  instId: string;
  sz?: number;
}
/** `after`: bars that open before this time (ms); `before`: after it. */
export interface CandlesRequest {
  instId: string;
  bar: string;
  after?: number;
  before?: number;
  limit?: number;
}

export interface PlaceOrderRequest {
  instId: string;
  tdMode: "cash" | "cross" | "isolated" | "spot_isolated";
  side: "buy" | "sell";
  ordType: "market" | "limit" | "post_only" | "fok" | "ioc" | "optimal_limit_ioc";
  sz: string;
  px?: string;
  clOrdId?: string;
  tag?: string;
  ccy?: string;
  posSide?: "long" | "short" | "net";
  reduceOnly?: boolean;
  tgtCcy?: "base_ccy" | "quote_ccy";
}

export interface CancelOrderRequest {
  instId: string;
  ordId?: string;
  clOrdId?: string;
}

export interface AmendOrderRequest {
  instId: string;
  ordId?: string;
  clOrdId?: string;
  cxlOnFail?: boolean;
  reqId?: string;
  newSz?: string;
  newPx?: string;
}

export interface GetOrderRequest {
  instId: string;
  ordId?: string;
  clOrdId?: string;
}

export interface OrdersPendingRequest {
  instType?: InstType;
  instId?: string;
  ordType?: string;
  state?: "live" | "partially_filled";
  after?: string;
  before?: string;
  limit?: number;
}

export interface OrdersHistoryRequest {
  instType: InstType;
  instId?: string;
  ordType?: string;
  state?: "canceled" | "filled" | "mmp_canceled";
  after?: string;
  before?: string;
  begin?: number;
  end?: number;
  limit?: number;
}

export interface FillsHistoryRequest {
  instType: InstType;
  instId?: string;
  ordId?: string;
  /** billId cursors: after = older, before = newer. */
  after?: string;
  before?: string;
  begin?: number;
  end?: number;
  limit?: number;
}

export interface BalanceRequest {
  ccy?: string;
}
export interface PositionsRequest {
  instType?: InstType;
  instId?: string;
  posId?: string;
}

/** GET /api/v5/account/leverage-info: up to 20 instIds, comma-separated. */
export interface LeverageInfoRequest {
  instId: string;
  mgnMode: "cross" | "isolated";
}

/** POST /api/v5/account/set-leverage (net mode: no posSide). */
export interface SetLeverageRequest {
  instId: string;
  lever: string;
  mgnMode: "cross" | "isolated";
}

/** One instrument's leverage, as leverage-info and set-leverage answer it. */
export interface LeverageRow {
  instId: string;
  mgnMode: string;
  posSide: string;
  lever: string;
}

// ---- Responses (each is one item of the envelope's `data` array): the shared OKX wire types --
export type {
  AccountBalance,
  BalanceDetail,
  BookData as BookSnapshotRow,
  CandleRow,
  Fill as FillRow,
  Instrument,
  OrderDetails,
  OrderOpResult,
  Position as PositionRow,
  Ticker as TickerRow,
} from "../../okx/types.ts";
export interface ServerTime {
  ts: string;
}
