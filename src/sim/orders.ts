// The order record the matcher keeps, and how it is written on the wire (REST order
// details and `orders` channel pushes).
import type { OkxOrderState, OrderDetails, OrderPush } from "../okx/types.ts";
import { fmt, unitsToStr } from "./num.ts";
import type { ParsedPlace } from "./validate.ts";

export interface FillInfo {
  px: number;
  lots: number;
  tradeId: string;
  ts: number;
  fee: number;
  /** What the fill realized (a swap's that reduces the position), in the quote currency. */
  pnl: number;
  execType: "T" | "M";
}

/** A placed order: what the request said (prices in ticks, sizes in lots) plus its life since. */
export interface SimOrder extends ParsedPlace {
  seq: number;
  ordId: string;
  filledLots: number;
  /** Σ price ticks × lots, for the average price. */
  filledTicksLots: number;
  /** Quote currency spent so far (quote-sized market buys). */
  filledQuote: number;
  fee: number;
  feeCcy: string;
  pnl: number;
  state: OkxOrderState;
  cTime: number;
  uTime: number;
  /** Amount reserved for this order and its currency. */
  frozen: number;
  /** A swap's leverage when its margin was reserved (absent in orders kept by older runs). */
  lever?: number;
  frozenCcy: string;
  cancelSource: string;
  lastFill?: FillInfo;
  amendResult: string;
  reqId: string;
  code: string;
  msg: string;
}

export function isOpen(o: SimOrder): boolean {
  return o.state === "live" || o.state === "partially_filled";
}

export function remainingLots(o: SimOrder): number {
  return o.lots - o.filledLots;
}

function avgPx(o: SimOrder): string {
  return o.filledLots > 0 ? fmt(o.filledTicksLots / o.filledLots / 10 ** o.inst.pxDec, o.inst.pxDec + 4) : "";
}

export function orderDetails(o: SimOrder): OrderDetails {
  const f = o.lastFill;
  return {
    instType: o.inst.instType,
    instId: o.inst.instId,
    ccy: "",
    ordId: o.ordId,
    clOrdId: o.clOrdId,
    tag: o.tag,
    px: o.px === undefined ? "" : unitsToStr(o.px, o.inst.pxDec),
    sz: o.szStr,
    pnl: fmt(o.pnl),
    ordType: o.ordType,
    side: o.side,
    posSide: o.posSide,
    tdMode: o.tdMode,
    accFillSz: unitsToStr(o.filledLots, o.inst.szDec),
    fillPx: f ? unitsToStr(f.px, o.inst.pxDec) : "",
    tradeId: f?.tradeId ?? "",
    fillSz: f ? unitsToStr(f.lots, o.inst.szDec) : "0",
    fillTime: f ? String(f.ts) : "",
    state: o.state,
    avgPx: avgPx(o),
    lever: o.inst.instType === "SWAP" && o.lever !== undefined ? String(o.lever) : "",
    tpTriggerPx: "",
    tpOrdPx: "",
    slTriggerPx: "",
    slOrdPx: "",
    feeCcy: o.feeCcy,
    fee: fmt(o.fee),
    rebateCcy: o.inst.quoteCcy,
    rebate: "0",
    tgtCcy: o.tgtCcy,
    category: "normal",
    reduceOnly: o.reduceOnly ? "true" : "false",
    cancelSource: o.cancelSource,
    stpMode: o.stpMode,
    uTime: String(o.uTime),
    cTime: String(o.cTime),
  };
}

/** The `orders` push after an event; `fill` is set only for the push that reports that fill. */
export function orderPush(o: SimOrder, fill?: FillInfo): OrderPush {
  const d = orderDetails(o);
  const notional = ((o.px ?? o.lastFill?.px ?? 0) / 10 ** o.inst.pxDec) * (o.lots / 10 ** o.inst.szDec) * o.inst.ctVal;
  const fillNotional = fill ? (fill.px / 10 ** o.inst.pxDec) * (fill.lots / 10 ** o.inst.szDec) * o.inst.ctVal : 0;
  return {
    ...d,
    fillPx: fill ? unitsToStr(fill.px, o.inst.pxDec) : "",
    tradeId: fill?.tradeId ?? "",
    fillSz: fill ? unitsToStr(fill.lots, o.inst.szDec) : "0",
    fillTime: fill ? String(fill.ts) : "",
    notionalUsd: fmt(notional, 4),
    fillFee: fill ? fmt(fill.fee) : "0",
    fillFeeCcy: fill ? o.feeCcy : "",
    fillPnl: fill ? fmt(fill.pnl) : "0",
    fillNotionalUsd: fill ? fmt(fillNotional, 4) : "",
    execType: fill?.execType ?? "",
    amendResult: o.amendResult,
    reqId: o.reqId,
    code: o.code,
    msg: o.msg,
  };
}
