// The order gateway over the OKX ingest: trade ops through the Worker, errors in our terms.
import type { Ingest } from "../exchange/ingest.ts";
import { OkxError, OkxUnavailableError } from "../exchange/okx/errors.ts";
import type { TradeAnswer } from "../exchange/protocol.ts";
import { ApiError } from "../http/errors.ts";
import { GatewayUnavailable, type OrderAck, type OrderGateway } from "./gateway.ts";

/** OKX refused the request as a whole (not one order): say so, never a 500. */
function mapError(err: unknown): never {
  if (err instanceof OkxUnavailableError)
    throw new GatewayUnavailable(err.stateUnknown ? "OKX did not answer; the order's state is unknown" : "OKX is not reachable");
  if (err instanceof OkxError) {
    if (err.status === 429 || err.code === "50011") throw new ApiError(429, "rate_limited", `OKX rate limit: ${err.msg}`);
    throw new ApiError(502, "exchange_error", `OKX refused the request: ${err.code} ${err.msg}`);
  }
  throw err;
}

const ack = (a: TradeAnswer): OrderAck => ({
  ordId: a.ordId,
  clOrdId: a.clOrdId,
  sCode: a.sCode,
  sMsg: a.sMsg,
});

export function okxGateway(ingest: Ingest): OrderGateway {
  return {
    instrument: (instId) => ingest.instrument(instId),
    place: (o) =>
      ingest
        .placeOrder({
          instId: o.instId,
          tdMode: o.tdMode,
          side: o.side,
          ordType: o.ordType,
          sz: o.sz,
          clOrdId: o.clOrdId,
          ...(o.px !== undefined ? { px: o.px } : {}),
          ...(o.posSide ? { posSide: o.posSide } : {}),
          ...(o.reduceOnly !== undefined ? { reduceOnly: o.reduceOnly } : {}),
          // Spot market buys default to a size in quote currency on OKX; ours is always base.
          ...(o.ordType === "market" && !o.instId.endsWith("-SWAP") ? { tgtCcy: "base_ccy" as const } : {}),
        })
        .then(ack, mapError),
    cancel: (r) => ingest.cancelOrder(r).then(ack, mapError),
    amend: (a) => ingest.amendOrder(a).then(ack, mapError),
    get: (r) => ingest.getOrder(r).then((o) => (o ? { ...o } : null), mapError),
  };
}
