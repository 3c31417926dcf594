// OKX REST request and response types for the endpoints tradewire uses (OKX.md §6), kept
// apart: requests are what we send, responses what OKX answers (numbers as strings).

// ---- Requests -------------------------------------------------------------------------------
export type InstType = "SPOT" | "MARGIN" | "SWAP" | "FUTURES" | "OPTION";

export interface InstrumentsRequest { instType: InstType; uly?: string; instFamily?: string; instId?: string }
export interface TickersRequest { instType: InstType; uly?: string; instFamily?: string }
export interface BooksRequest { instId: string; sz?: number }

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

export interface CancelOrderRequest { instId: string; ordId?: string; clOrdId?: string }

export interface AmendOrderRequest {
  instId: string;
  ordId?: string;
  clOrdId?: string;
  cxlOnFail?: boolean;
  reqId?: string;
  newSz?: string;
  newPx?: string;
}

export interface GetOrderRequest { instId: string; ordId?: string; clOrdId?: string }

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

export interface BalanceRequest { ccy?: string }
export interface PositionsRequest { instType?: InstType; instId?: string; posId?: string }

// ---- Responses (each is one item of the envelope's `data` array) ------------------------------
export interface ServerTime { ts: string }

export interface Instrument {
  instType: string;
  instId: string;
  baseCcy: string;
  quoteCcy: string;
  settleCcy: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
  state: string;
  [k: string]: unknown;
}

export interface TickerRow {
  instType: string;
  instId: string;
  last: string;
  lastSz: string;
  askPx: string;
  askSz: string;
  bidPx: string;
  bidSz: string;
  open24h: string;
  high24h: string;
  low24h: string;
  volCcy24h: string;
  vol24h: string;
  sodUtc0: string;
  sodUtc8: string;
  ts: string;
}

/** [price, size, "0", numOrders] */
export type BookLevelRow = [string, string, string, string];
export interface BookSnapshotRow { asks: BookLevelRow[]; bids: BookLevelRow[]; ts: string; seqId?: number }

/** Per-item answer of place / batch place. */
export interface OrderAck { ordId: string; clOrdId: string; tag?: string; ts?: string; sCode: string; sMsg: string }
export interface CancelAck { ordId: string; clOrdId: string; ts?: string; sCode: string; sMsg: string }
export interface AmendAck { ordId: string; clOrdId: string; ts?: string; reqId?: string; sCode: string; sMsg: string }

/** GET /trade/order, /orders-pending, /orders-history items (strings; "" when empty). */
export interface OrderDetails {
  instType: string;
  instId: string;
  ordId: string;
  clOrdId: string;
  tag: string;
  px: string;
  sz: string;
  ordType: string;
  side: string;
  posSide: string;
  tdMode: string;
  accFillSz: string;
  fillPx: string;
  tradeId: string;
  fillSz: string;
  fillTime: string;
  state: string;
  avgPx: string;
  fee: string;
  feeCcy: string;
  reduceOnly: string;
  cTime: string;
  uTime: string;
  [k: string]: unknown;
}

export interface BalanceDetail { ccy: string; eq: string; cashBal: string; availBal: string; frozenBal: string; uTime: string; [k: string]: unknown }
export interface AccountBalance { totalEq: string; upl: string; imr: string; mmr: string; uTime: string; details: BalanceDetail[]; [k: string]: unknown }

export interface PositionRow {
  instType: string;
  instId: string;
  posId: string;
  posSide: string;
  pos: string;
  avgPx: string;
  upl: string;
  lever: string;
  mgnMode: string;
  markPx: string;
  liqPx: string;
  uTime: string;
  [k: string]: unknown;
}
