// Answer schemas the routes share: market and account state as the exchange side publishes it
// (src/domain/events.ts), event frames, history rows and pages. They document and type the
// answers (and the typed client); requests are checked by each route's own schemas.
import { z } from "@hono/zod-openapi";
import type { Account, Balance, Book, Fill, Funding, Order, Position, Ticker } from "../domain/events.ts";
import { SOURCES } from "../domain/source.ts";

const decimal = z.string().openapi({ description: "decimal as a string, exact as OKX sends it", example: "43000.1" });
const ms = z.number().openapi({ description: "ms since 1970" });

export const TickerSchema = z
  .object({
    instId: z.string(),
    last: decimal,
    lastSz: decimal,
    bidPx: decimal,
    bidSz: decimal,
    askPx: decimal,
    askSz: decimal,
    open24h: decimal,
    high24h: decimal,
    low24h: decimal,
    vol24h: decimal,
    volCcy24h: decimal,
    ts: ms,
  })
  .openapi("Ticker") satisfies z.ZodType<Ticker>;

export const FundingSchema = z
  .object({
    instId: z.string(),
    fundingRate: decimal.openapi({
      description: "the current period's rate, a fraction of the position's value; longs pay shorts when positive",
      example: "0.0001",
    }),
    fundingTime: ms.openapi({ description: "when the current period ends and its funding is paid (ms since 1970)" }),
    nextFundingTime: ms.openapi({ description: "when the period after it ends" }),
    settFundingRate: z.string().openapi({ description: 'the rate settled last; "" when the exchange does not say' }),
    ts: ms,
  })
  .openapi("Funding") satisfies z.ZodType<Funding>;

const level = z.tuple([decimal, decimal, z.number()]).openapi({ description: "[price, size, orders]" });
export const BookSchema = z
  .object({
    instId: z.string(),
    bids: z.array(level),
    asks: z.array(level),
    ts: ms,
    seqId: z.number(),
    depth: z.number(),
  })
  .openapi("Book", { description: "top levels of a book, best first" }) satisfies z.ZodType<Book>;

const side = z.enum(["buy", "sell"]);
export const OrderSchema = z
  .object({
    ordId: z.string(),
    clOrdId: z.string(),
    instId: z.string(),
    instType: z.string(),
    side,
    ordType: z.string(),
    tdMode: z.string(),
    posSide: z.string(),
    px: decimal,
    sz: decimal,
    state: z.enum(["live", "partially_filled", "filled", "canceled", "mmp_canceled", "rejected"]),
    accFillSz: decimal,
    avgPx: decimal,
    fillPx: decimal,
    fillSz: decimal,
    fillTime: ms.nullable(),
    tradeId: z.string(),
    execType: z.string(),
    fee: decimal,
    feeCcy: z.string(),
    reduceOnly: z.boolean(),
    cTime: ms,
    uTime: ms,
  })
  .openapi("Order") satisfies z.ZodType<Order>;

export const FillSchema = z
  .object({
    ordId: z.string(),
    clOrdId: z.string(),
    instId: z.string(),
    tradeId: z.string(),
    side,
    fillPx: decimal,
    fillSz: decimal,
    fee: decimal,
    feeCcy: z.string(),
    fillPnl: decimal
      .optional()
      .openapi({ description: 'the PnL this fill realized (one that reduces a swap\'s position; "0" otherwise)' }),
    execType: z.string(),
    ts: ms,
  })
  .openapi("Fill") satisfies z.ZodType<Fill>;

export const PositionSchema = z
  .object({
    instId: z.string(),
    instType: z.string(),
    posId: z.string(),
    posSide: z.string(),
    pos: decimal,
    avgPx: decimal,
    upl: decimal,
    lever: decimal,
    mgnMode: z.string(),
    markPx: decimal,
    liqPx: decimal,
    uplRatio: decimal.openapi({
      description: "uPnL as a fraction of the position's margin (the exchange's); empty when not given",
    }),
    realizedPnl: decimal.optional().openapi({
      description:
        "what the position has realized since it was opened, fees included (the exchange's); empty when not given",
    }),
    uTime: ms,
  })
  .openapi("Position") satisfies z.ZodType<Position>;

export const BalanceSchema = z
  .object({ ccy: z.string(), eq: decimal, cashBal: decimal, availBal: decimal, frozenBal: decimal, uTime: ms })
  .openapi("Balance") satisfies z.ZodType<Balance>;

export const AccountSchema = z
  .object({ totalEq: decimal, upl: decimal, imr: decimal, mmr: decimal, uTime: ms })
  .openapi("Account") satisfies z.ZodType<Account>;

/**
 * Latest state as the store holds it: each entry is the `data` of the event the bus carried.
 * The exchange side publishes the shapes above; these casts say so once, here.
 */
export const asState = <T>(rows: Record<string, unknown>[]): T[] => rows as unknown as T[];
export const asStateOne = <T>(row: Record<string, unknown>): T => row as unknown as T;

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: "mf3k2a-42", description: "<epoch>-<seq>, the SSE id" }),
    type: z.string().openapi({ example: "ticker" }),
    channel: z.string().openapi({ example: "tickers:BTC-USDT" }),
    src: z.enum(SOURCES).openapi({
      description:
        "who published it: `exchange` (the OKX connection), `service` (tradewire), `engine` (the engine bridge), `http` (POST /api/events); only the first two are the exchange's truth",
    }),
    ts: z.object({
      ex: ms.optional().openapi({ description: "exchange time" }),
      rx: ms.openapi({ description: "when the event entered the service" }),
      pub: ms.openapi({ description: "when it was put on the bus" }),
    }),
    data: z.unknown(),
  })
  .openapi("Event", {
    description: "one event as every transport sends it (SSE `data:`, a WebSocket message, a poll item)",
  });

const historyRow = <F extends z.ZodRawShape>(fields: F) => z.object({ id: z.string(), ...fields });
const nullableDecimal = decimal.nullable();
/** The recorder takes buy or sell only (store/clickhouse/rows.ts). */
const Side = z.enum(["buy", "sell"]);

export const OrderRowSchema = historyRow({
  uTime: ms,
  ordId: z.string(),
  clOrdId: z.string(),
  instId: z.string(),
  instType: z.string(),
  side: Side,
  ordType: z.string(),
  tdMode: z.string(),
  posSide: z.string(),
  px: nullableDecimal,
  sz: decimal,
  state: z.string(),
  accFillSz: decimal,
  avgPx: nullableDecimal,
  fillPx: nullableDecimal,
  fillSz: nullableDecimal,
  fillTime: ms.nullable(),
  tradeId: z.string(),
  execType: z.string(),
  fee: nullableDecimal,
  feeCcy: z.string(),
  reduceOnly: z.boolean(),
  cTime: ms,
}).openapi("OrderRow", { description: "one recorded order state change" });

export const FillRowSchema = historyRow({
  ts: ms,
  ordId: z.string(),
  clOrdId: z.string(),
  instId: z.string(),
  tradeId: z.string(),
  side: Side,
  fillPx: decimal,
  fillSz: decimal,
  fee: nullableDecimal,
  feeCcy: z.string(),
  fillPnl: nullableDecimal.openapi({
    description:
      'the PnL this fill realized (one that reduces a swap\'s position; "0" otherwise; null when not recorded)',
  }),
  execType: z.string(),
}).openapi("FillRow");

export const TradeRowSchema = historyRow({
  ts: ms,
  instId: z.string(),
  tradeId: z.string(),
  px: decimal,
  sz: decimal,
  side: Side,
}).openapi("TradeRow");

export const CandleRowSchema = z
  .object({
    instId: z.string(),
    ts: ms.openapi({ description: "the bar's start" }),
    o: decimal,
    h: decimal,
    l: decimal,
    c: decimal,
    vol: decimal,
    volCcy: decimal,
    trades: z.number().int().nullable().openapi({
      description: "trades recorded in the bar; null for a bar from the exchange (OKX does not count them)",
    }),
    confirmed: z.boolean().openapi({ description: "the bar has ended" }),
  })
  .openapi("CandleRow");

export const EquityRowSchema = z
  .object({
    ts: ms.openapi({ description: "the bucket's start" }),
    openEq: decimal.openapi({ description: "the account's total equity in USD at the bucket's first account push" }),
    totalEq: decimal.openapi({ description: "its total equity at the bucket's last account push" }),
    upl: decimal.nullable().openapi({ description: "its unrealized PnL then" }),
  })
  .openapi("EquityRow");

export const AuditRowSchema = historyRow({
  ts: ms,
  user: z.string(),
  action: z.string().openapi({ example: "order.place" }),
  target: z.string(),
  status: z.number().int().openapi({ description: "the HTTP status the caller got" }),
  code: z.string().openapi({ description: "`ok`, `replayed`, or the error code of the answer" }),
  ms: z.number(),
  detail: z.unknown(),
}).openapi("AuditRow");

/** A page of history, newest first. */
export const pageOf = <S extends z.ZodType>(row: S) =>
  z.object({
    data: z.array(row),
    next: z.string().nullable().openapi({ description: "cursor of the next page; null on the last" }),
  });
