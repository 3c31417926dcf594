// OKX v5 wire types (REST and WebSocket), shared by the OKX client and the simulator: the shapes
// on the wire and nothing else (no logic, no I/O). Numbers are decimal strings, as OKX sends them,
// except `checksum`, `seqId` and `prevSeqId`. See ../shared/OKX.md (beside the repository) for the sources.

/** A decimal number as OKX writes it: "43000.1", "0.01", "" when empty. */
export type Dec = string;
/** Milliseconds since 1970 as a decimal string. */
export type MsStr = string;

export type InstType = "SPOT" | "MARGIN" | "SWAP" | "FUTURES" | "OPTION";
export type Side = "buy" | "sell";
export type PosSide = "net" | "long" | "short";
export type TdMode = "cash" | "cross" | "isolated" | "spot_isolated";
export type OrdType =
  | "market"
  | "limit"
  | "post_only"
  | "fok"
  | "ioc"
  | "optimal_limit_ioc"
  | "mmp"
  | "mmp_and_post_only"
  | "elp";
/** An order's `state` as OKX writes it (tradewire's own OrderState, in domain/orders.ts, adds "rejected"). */
export type OkxOrderState = "live" | "partially_filled" | "filled" | "canceled" | "mmp_canceled";

// --- REST envelopes (OKX.md §6.1) ---------------------------------------------------------------

/** Every answer with HTTP 200: `data` is always an array. Trade endpoints add inTime/outTime (µs). */
export interface RestResponse<T> {
  code: string;
  msg: string;
  data: T[];
  inTime?: string;
  outTime?: string;
}

/** Auth failures (401) and throttling (429) carry no `data`. */
export interface RestErrorBody {
  code: string;
  msg: string;
}

// --- Reference and market data (§6.2, §4.1–4.4) -------------------------------------------------

export interface Instrument {
  instType: InstType;
  instId: string;
  instIdCode?: number;
  uly: string;
  instFamily: string;
  category: string;
  baseCcy: string;
  quoteCcy: string;
  settleCcy: string;
  ctVal: Dec;
  ctMult: Dec;
  ctValCcy: string;
  ctType: "" | "linear" | "inverse";
  optType: string;
  stk: Dec;
  listTime: MsStr;
  expTime: MsStr;
  lever: Dec;
  tickSz: Dec;
  lotSz: Dec;
  minSz: Dec;
  alias: string;
  state: "live" | "suspend" | "preopen" | "test" | "expired";
  maxLmtSz: Dec;
  maxMktSz: Dec;
  maxLmtAmt: Dec;
  maxMktAmt: Dec;
  maxTwapSz: Dec;
  maxIcebergSz: Dec;
  maxTriggerSz: Dec;
  maxStopSz: Dec;
  ruleType: string;
  auctionEndTime: string;
}

export interface Ticker {
  instType: InstType;
  instId: string;
  last: Dec;
  lastSz: Dec;
  askPx: Dec;
  askSz: Dec;
  bidPx: Dec;
  bidSz: Dec;
  open24h: Dec;
  high24h: Dec;
  low24h: Dec;
  volCcy24h: Dec;
  vol24h: Dec;
  sodUtc0: Dec;
  sodUtc8: Dec;
  ts: MsStr;
}

/** [price, size, "0" (deprecated), number of orders] */
export type BookLevel = [Dec, Dec, Dec, Dec];

export interface BookData {
  asks: BookLevel[];
  bids: BookLevel[];
  ts: MsStr;
  /** books* channels: CRC32 of the top 25 levels as a signed int, or 0 (OKX.md §4.2). */
  checksum?: number;
  prevSeqId?: number;
  seqId?: number;
  instId?: string;
}

export interface Trade {
  instId: string;
  tradeId: string;
  px: Dec;
  sz: Dec;
  /** The taker's side. */
  side: Side;
  ts: MsStr;
  count?: Dec;
}

/** [ts (open time), o, h, l, c, vol, volCcy, volCcyQuote, confirm "0"|"1"] */
export type CandleRow = [MsStr, Dec, Dec, Dec, Dec, Dec, Dec, Dec, "0" | "1"];

/**
 * A `funding-rate` push item, also a GET /public/funding-rate row (perpetual swaps). `fundingTime`
 * is the end of the current period (when its funding is paid), `settFundingRate` the rate paid
 * at the last one; fields OKX leaves empty are "".
 */
export interface FundingRatePush {
  instType: InstType;
  instId: string;
  fundingRate: Dec;
  nextFundingRate: Dec;
  fundingTime: MsStr;
  nextFundingTime: MsStr;
  /** "current_period" (the rate is fixed at the period's end) or "next_period". */
  method: string;
  formulaType: string;
  maxFundingRate: Dec;
  minFundingRate: Dec;
  premium: Dec;
  settFundingRate: Dec;
  /** "settled" or "processing". */
  settState: string;
  interestRate: Dec;
  impactValue: Dec;
  sz: Dec;
  ts: MsStr;
}

// --- Account (§6.3, §4.6–4.8) -------------------------------------------------------------------

export interface BalanceDetail {
  ccy: string;
  eq: Dec;
  cashBal: Dec;
  availBal: Dec;
  availEq: Dec;
  frozenBal: Dec;
  ordFrozen: Dec;
  eqUsd: Dec;
  disEq: Dec;
  upl: Dec;
  liab: Dec;
  crossLiab: Dec;
  isoLiab: Dec;
  interest: Dec;
  maxLoan: Dec;
  mgnRatio: Dec;
  notionalLever: Dec;
  twap: Dec;
  isoEq: Dec;
  uTime: MsStr;
}

export interface AccountBalance {
  uTime: MsStr;
  totalEq: Dec;
  isoEq: Dec;
  adjEq: Dec;
  ordFroz: Dec;
  imr: Dec;
  mmr: Dec;
  notionalUsd: Dec;
  mgnRatio: Dec;
  upl: Dec;
  details: BalanceDetail[];
}

export interface Position {
  instType: InstType;
  instId: string;
  posId: string;
  posSide: PosSide;
  pos: Dec;
  availPos: Dec;
  avgPx: Dec;
  upl: Dec;
  uplRatio: Dec;
  realizedPnl: Dec;
  lever: Dec;
  liqPx: Dec;
  markPx: Dec;
  imr: Dec;
  margin: Dec;
  mgnMode: "cross" | "isolated";
  mgnRatio: Dec;
  mmr: Dec;
  notionalUsd: Dec;
  ccy: string;
  posCcy: string;
  last: Dec;
  idxPx: Dec;
  adl: Dec;
  tradeId: string;
  cTime: MsStr;
  uTime: MsStr;
  pTime?: MsStr;
}

export interface BalanceAndPosition {
  pTime: MsStr;
  eventType: string;
  balData: { ccy: string; cashBal: Dec; uTime: MsStr }[];
  posData: {
    posId: string;
    tradeId: string;
    instId: string;
    instType: InstType;
    mgnMode: string;
    posSide: PosSide;
    pos: Dec;
    ccy: string;
    posCcy: string;
    avgPx: Dec;
    uTime: MsStr;
  }[];
  trades: { instId: string; tradeId: string }[];
}

export interface AccountConfig {
  uid: string;
  mainUid: string;
  acctLv: string;
  posMode: "net_mode" | "long_short_mode";
  autoLoan: boolean;
  greeksType: string;
  level: string;
  levelTmp: string;
  ctIsoMode: string;
  mgnIsoMode: string;
  label: string;
  perm: string;
  ip: string;
}

// --- Trading (§6.4, §5, §4.5) -------------------------------------------------------------------

/** One item of a place/cancel/amend answer; `sCode` "0" is success. */
export interface OrderOpResult {
  ordId: string;
  clOrdId: string;
  tag?: string;
  reqId?: string;
  ts: MsStr;
  sCode: string;
  sMsg: string;
}

/** GET /trade/order, orders-pending, orders-history items and `orders` channel pushes. */
export interface OrderDetails {
  instType: InstType;
  instId: string;
  ccy: string;
  ordId: string;
  clOrdId: string;
  tag: string;
  px: Dec;
  sz: Dec;
  pnl: Dec;
  ordType: OrdType;
  side: Side;
  posSide: PosSide | "";
  tdMode: TdMode;
  accFillSz: Dec;
  fillPx: Dec;
  tradeId: string;
  fillSz: Dec;
  fillTime: MsStr;
  state: OkxOrderState;
  avgPx: Dec;
  lever: Dec;
  tpTriggerPx: Dec;
  tpOrdPx: Dec;
  slTriggerPx: Dec;
  slOrdPx: Dec;
  feeCcy: string;
  fee: Dec;
  rebateCcy: string;
  rebate: Dec;
  tgtCcy: string;
  category: string;
  reduceOnly: "true" | "false";
  cancelSource: string;
  stpMode: string;
  uTime: MsStr;
  cTime: MsStr;
}

/** The `orders` channel adds the latest fill and the outcome of an amend. */
export interface OrderPush extends OrderDetails {
  notionalUsd: Dec;
  fillFee: Dec;
  fillFeeCcy: string;
  /** What this fill realized (one that reduces a position; "0" otherwise). */
  fillPnl: Dec;
  fillNotionalUsd: Dec;
  execType: "" | "T" | "M";
  amendResult: string;
  reqId: string;
  code: string;
  msg: string;
}

export interface Fill {
  instType: InstType;
  instId: string;
  tradeId: string;
  ordId: string;
  clOrdId: string;
  billId: string;
  tag: string;
  fillPx: Dec;
  fillSz: Dec;
  side: Side;
  posSide: PosSide | "";
  execType: "T" | "M";
  feeCcy: string;
  fee: Dec;
  /** What this fill realized (one that reduces a position; "0" otherwise). */
  fillPnl: Dec;
  ts: MsStr;
  fillTime: MsStr;
}

// --- WebSocket (§2.3, §3, §5) -------------------------------------------------------------------

export type WsKind = "public" | "private" | "business";

export interface WsLoginArg {
  apiKey: string;
  passphrase: string;
  /** Unix seconds; python-okx sends a JSON number. */
  timestamp: string | number;
  sign: string;
}

export interface WsChannelArg {
  channel: string;
  instId?: string;
  instType?: string;
  instFamily?: string;
  ccy?: string;
  uid?: string;
  extraParams?: string;
  [extra: string]: unknown;
}

/** Any client → server frame except the literal text `ping`. */
export interface WsRequest {
  id?: string | number;
  op: string;
  args?: unknown[];
  expTime?: string;
}

/** login / subscribe / unsubscribe / error / notice / channel-conn-count frames. */
export interface WsEvent {
  id?: string;
  event: "login" | "subscribe" | "unsubscribe" | "error" | "notice" | "channel-conn-count" | "channel-conn-count-error";
  code?: string;
  msg?: string;
  arg?: WsChannelArg;
  channel?: string;
  connCount?: string;
  connId?: string;
}

/** Data pushes carry no `event` or `op` key. */
export interface WsPush<T> {
  arg: WsChannelArg;
  action?: "snapshot" | "update";
  eventType?: string;
  curPage?: number;
  lastPage?: boolean;
  data: T[];
}

/** Trade-op reply: `id` and `inTime` are strings (okx-api keys on them); times in µs. */
export interface WsOpReply<T> {
  id: string;
  op: string;
  code: string;
  msg: string;
  data: T[];
  inTime: string;
  outTime: string;
}

export const WS_TRADE_OPS = [
  "order",
  "batch-orders",
  "cancel-order",
  "batch-cancel-orders",
  "amend-order",
  "batch-amend-orders",
  "mass-cancel",
] as const;
export type WsTradeOp = (typeof WS_TRADE_OPS)[number];

/** Channels that need a logged-in connection (OKX.md §1.2). */
export const PRIVATE_CHANNELS = [
  "account",
  "positions",
  "balance_and_position",
  "orders",
  "liquidation-warning",
  "account-greeks",
] as const;

/** True for channels served on /ws/v5/business: candles and the algo/asset channels. */
export function isBusinessChannel(channel: string): boolean {
  return (
    /^(candle|mark-price-candle|index-candle)/.test(channel) ||
    ["orders-algo", "algo-advance", "deposit-info", "withdrawal-info", "trades-all"].includes(channel) ||
    channel.startsWith("grid-")
  );
}
