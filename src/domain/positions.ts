// The order that closes a position: all of it at market, on the other side; reduce-only in net
// mode, on the position's own side in long/short mode (OKX's rule for closing there). Pure: the
// dashboard's Close and the close_all command both use it.
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
