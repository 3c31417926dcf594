// Orders between tradewire's vocabulary (domain/orders.ts) and OKX's, in this one place: our
// requests become OKX trade-op arguments (the same object is the REST body), and OKX's
// per-order result becomes an OrderAck.
import type { OrderAck, OrderAmend, OrderRef, OrderRequest } from "../../domain/orders.ts";
import type { OrderOpResult } from "../../okx/types.ts";
import type { TradeRequest } from "../protocol.ts";
import type { AmendOrderRequest, CancelOrderRequest, GetOrderRequest, PlaceOrderRequest } from "./rest-types.ts";

/** A trade op in OKX's terms: the WS op name and its one argument. */
export type OkxTradeOp =
  | { op: "order"; args: PlaceOrderRequest }
  | { op: "cancel-order"; args: CancelOrderRequest }
  | { op: "amend-order"; args: AmendOrderRequest };

export function placeArgs(o: OrderRequest): PlaceOrderRequest {
  return {
    instId: o.instId,
    tdMode: o.tdMode,
    side: o.side,
    ordType: o.ordType,
    sz: o.sz,
    ...(o.clOrdId !== undefined ? { clOrdId: o.clOrdId } : {}),
    ...(o.px !== undefined ? { px: o.px } : {}),
    ...(o.posSide ? { posSide: o.posSide } : {}),
    ...(o.reduceOnly !== undefined ? { reduceOnly: o.reduceOnly } : {}),
    // Spot market buys default to a size in quote currency on OKX; ours is always base.
    ...(o.ordType === "market" && !o.instId.endsWith("-SWAP") ? { tgtCcy: "base_ccy" as const } : {}),
  };
}

/** Cancel and look-up arguments: the instrument and the ordId and/or clOrdId given. */
export function refArgs(r: OrderRef): CancelOrderRequest & GetOrderRequest {
  return {
    instId: r.instId,
    ...(r.ordId !== undefined ? { ordId: r.ordId } : {}),
    ...(r.clOrdId !== undefined ? { clOrdId: r.clOrdId } : {}),
  };
}

export function amendArgs(a: OrderAmend): AmendOrderRequest {
  return {
    ...refArgs(a),
    ...(a.newSz !== undefined ? { newSz: a.newSz } : {}),
    ...(a.newPx !== undefined ? { newPx: a.newPx } : {}),
  };
}

export function okxTradeOp(r: TradeRequest): OkxTradeOp {
  switch (r.op) {
    case "order":
      return { op: r.op, args: placeArgs(r.args) };
    case "cancel-order":
      return { op: r.op, args: refArgs(r.args) };
    case "amend-order":
      return { op: r.op, args: amendArgs(r.args) };
  }
}

/**
 * OKX's result for one order (unchecked: any field may be missing) as our OrderAck.
 * @example orderAck({ ordId: "1", clOrdId: "a", sCode: "0", sMsg: "" }) // { ordId: "1", clOrdId: "a", code: "0", message: "" }
 */
export function orderAck(item: Partial<OrderOpResult>): OrderAck {
  return {
    ordId: String(item.ordId ?? ""),
    clOrdId: String(item.clOrdId ?? ""),
    code: String(item.sCode ?? ""),
    message: String(item.sMsg ?? ""),
  };
}
