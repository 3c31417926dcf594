// The order gateway over the OKX ingest: trade ops through the Worker, errors in our terms.

import { ExchangeError, RateLimited } from "../domain/errors.ts";
import type { Ingest } from "../exchange/ingest.ts";
import { isRateLimited, OkxError, OkxUnavailableError } from "../exchange/okx/errors.ts";
import { GatewayUnavailable, type OrderGateway } from "./gateway.ts";

/** OKX refused the request as a whole (not one order): say so, never a 500. */
function mapError(err: unknown): never {
  if (err instanceof OkxUnavailableError)
    throw new GatewayUnavailable(
      err.stateUnknown ? "OKX did not answer; the order's state is unknown" : "OKX is not reachable",
    );
  if (err instanceof OkxError) {
    if (isRateLimited(err)) throw new RateLimited(`OKX rate limit: ${err.msg}`);
    throw new ExchangeError(`OKX refused the request: ${err.code} ${err.msg}`);
  }
  throw err;
}

export function okxGateway(ingest: Ingest): OrderGateway {
  return {
    instrument: (instId) => ingest.instrument(instId),
    place: (o) => ingest.placeOrder(o).catch(mapError),
    cancel: (r) => ingest.cancelOrder(r).catch(mapError),
    amend: (a) => ingest.amendOrder(a).catch(mapError),
    get: (r) => ingest.getOrder(r).then((o) => (o ? { ...o } : null), mapError),
  };
}
