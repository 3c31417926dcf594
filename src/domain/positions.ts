// The order that closes a position: all of it at market, on the other side; reduce-only in net
// mode, on the position's own side in long/short mode (OKX's rule for closing there). Pure: the
// dashboard's Close and the close_all command both use it. And a flat position, with the system
// event that says every open position is known (exchange/okx/private-feed.ts).
import type { Position } from "./events.ts";
import type { OrderRequest } from "./orders.ts";

/** @example closingOrder({ instId: "BTC-USDT-SWAP", posSide: "net", pos: "-2", mgnMode: "cross", ... }) // a market buy of 2, reduce only */
export function closingOrder(p: Pick<Position, "instId" | "posSide" | "pos" | "mgnMode">): OrderRequest {
  const hedged = p.posSide === "long" || p.posSide === "short";
  const long = hedged ? p.posSide === "long" : Number(p.pos) > 0;
  return {
    instId: p.instId,
    side: long ? "sell" : "buy",
    ordType: "market",
    sz: p.pos.replace(/^[-+]/, ""),
    tdMode: p.mgnMode === "isolated" ? "isolated" : "cross",
    ...(hedged ? { posSide: p.posSide as "long" | "short" } : { reduceOnly: true }),
  };
}

/** A flat position (pos "0"): how the exchange connection says one is gone that no push reported. */
export function flatPosition(instId: string, uTime: number, posSide = "net"): Position {
  return {
    instId,
    instType: /-SWAP$/.test(instId) ? "SWAP" : "FUTURES",
    posId: "",
    posSide,
    pos: "0",
    avgPx: "",
    upl: "",
    lever: "",
    mgnMode: "",
    markPx: "",
    liqPx: "",
    uplRatio: "",
    uTime,
  };
}

/**
 * The `system` event's data after the exchange's first positions snapshot since its private
 * connection opened, and the flat positions it implied: every open position has been published.
 */
export const POSITIONS_KNOWN = { kind: "positions", state: "known" } as const;
