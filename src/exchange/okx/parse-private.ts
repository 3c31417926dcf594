// Pure parsers for OKX private pushes (orders, positions, account, balance_and_position) and
// for REST order details, into tradewire's normalized values. Throw MalformedError on bad input.
import type { Account, Balance, Fill, Normalized, Order, Position } from "../../domain/events.ts";
import type { OrderState } from "../../domain/orders.ts";
import { MalformedError, ms, ne, obj, oms, os, s, side } from "./parse-fields.ts";
import type { Obj } from "./parse-frame.ts";

const STATES: Record<string, OrderState> = {
  live: "live",
  partially_filled: "partially_filled",
  filled: "filled",
  canceled: "canceled",
  mmp_canceled: "mmp_canceled",
  order_failed: "rejected",
};

/** An order from an `orders` push item or a REST order-details item (fill fields may be absent). */
export function parseOrder(item: unknown): Order {
  const o = obj(item, "order");
  const state = STATES[s(o, "state")];
  if (!state) throw new MalformedError(`order: unknown state ${String(o.state)}`);
  return {
    ordId: ne(o, "ordId"),
    clOrdId: os(o, "clOrdId"),
    instId: ne(o, "instId"),
    instType: os(o, "instType"),
    side: side(o),
    ordType: s(o, "ordType"),
    tdMode: os(o, "tdMode"),
    posSide: os(o, "posSide"),
    px: os(o, "px"),
    sz: s(o, "sz"),
    state,
    accFillSz: os(o, "accFillSz") || "0",
    avgPx: os(o, "avgPx"),
    fillPx: os(o, "fillPx"),
    fillSz: os(o, "fillSz"),
    fillTime: oms(o, "fillTime"),
    tradeId: os(o, "tradeId"),
    execType: os(o, "execType"),
    fee: os(o, "fee"),
    feeCcy: os(o, "feeCcy"),
    reduceOnly: o.reduceOnly === true || o.reduceOnly === "true",
    cTime: ms(o, "cTime"),
    uTime: ms(o, "uTime"),
  };
}

/** The fill an order update reports, if it is one (a tradeId and a non-zero fillSz). */
export function fillOf(order: Order, item: Obj): Fill | null {
  if (order.tradeId === "" || order.fillSz === "" || Number(order.fillSz) === 0) return null;
  return {
    ordId: order.ordId,
    clOrdId: order.clOrdId,
    instId: order.instId,
    tradeId: order.tradeId,
    side: order.side,
    fillPx: order.fillPx,
    fillSz: order.fillSz,
    fee: os(item, "fillFee"),
    feeCcy: os(item, "fillFeeCcy"),
    fillPnl: os(item, "fillPnl"),
    execType: order.execType,
    ts: order.fillTime ?? order.uTime,
  };
}

export function parsePosition(item: unknown): Position {
  const o = obj(item, "position");
  return {
    instId: ne(o, "instId"),
    instType: os(o, "instType"),
    posId: os(o, "posId"),
    posSide: os(o, "posSide"),
    pos: s(o, "pos"),
    avgPx: os(o, "avgPx"),
    upl: os(o, "upl"),
    lever: os(o, "lever"),
    mgnMode: os(o, "mgnMode"),
    markPx: os(o, "markPx"),
    liqPx: os(o, "liqPx"),
    uplRatio: os(o, "uplRatio"),
    realizedPnl: os(o, "realizedPnl"),
    uTime: ms(o, "uTime"),
  };
}

export function parseBalance(item: unknown, fallbackTime?: number): Balance {
  const o = obj(item, "balance");
  const uTime = oms(o, "uTime") ?? fallbackTime;
  if (uTime === undefined) throw new MalformedError("balance: uTime missing");
  return {
    ccy: ne(o, "ccy"),
    eq: os(o, "eq"),
    cashBal: os(o, "cashBal"),
    availBal: os(o, "availBal"),
    frozenBal: os(o, "frozenBal"),
    uTime,
  };
}

export function parseAccount(item: unknown): Account {
  const o = obj(item, "account");
  return { totalEq: s(o, "totalEq"), upl: os(o, "upl"), imr: os(o, "imr"), mmr: os(o, "mmr"), uTime: ms(o, "uTime") };
}

/** Normalized events of a private push: orders (+ fills), positions, account (+ balances), balance_and_position. */
export function parsePrivatePush(channel: string, data: unknown[]): Normalized[] {
  const out: Normalized[] = [];
  switch (channel) {
    case "orders":
      for (const d of data) {
        const order = parseOrder(d);
        out.push({ type: "order", channel: "orders", data: order, exTs: order.uTime });
        const fill = fillOf(order, d as Obj);
        if (fill) out.push({ type: "fill", channel: "fills", data: fill, exTs: fill.ts });
      }
      return out;
    case "positions":
      // The push's time (pTime) where given: a regular push repeats a position its uTime dates.
      for (const d of data) {
        const p = parsePosition(d);
        out.push({ type: "position", channel: "positions", data: p, exTs: oms(d as Obj, "pTime") ?? p.uTime });
      }
      return out;
    case "account":
      for (const d of data) {
        const a = parseAccount(d);
        out.push({ type: "account", channel: "account", data: a, exTs: a.uTime });
        const details = (d as Obj).details;
        if (details !== undefined && !Array.isArray(details)) throw new MalformedError("account: details not an array");
        for (const det of details ?? []) {
          // Sent with the account's push (its uTime): a balance's own uTime dates its last change.
          const b = parseBalance(det, a.uTime);
          out.push({ type: "balance", channel: "balances", data: b, exTs: a.uTime });
        }
      }
      return out;
    case "balance_and_position":
      // Partial rows: fields OKX leaves out here (eq, availBal, ...) stay "".
      for (const d of data) {
        const o = obj(d, "balance_and_position");
        const pTime = ms(o, "pTime");
        for (const b of arr(o.balData)) {
          const bal = parseBalance(b, pTime);
          out.push({ type: "balance", channel: "balances", data: bal, exTs: pTime });
        }
        for (const p of arr(o.posData)) {
          const pos = parsePosition(p);
          out.push({ type: "position", channel: "positions", data: pos, exTs: pTime });
        }
      }
      return out;
    default:
      throw new MalformedError(`unexpected private channel ${channel}`);
  }
}

function arr(v: unknown): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MalformedError("expected an array");
  return v;
}
