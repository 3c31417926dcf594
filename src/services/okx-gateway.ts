// The order gateway over the OKX ingest: trade ops through the Worker, errors in our terms.

import { ExchangeError, ExchangeRejected, RateLimited } from "../domain/errors.ts";
import type { Ingest } from "../exchange/ingest.ts";
import { isRateLimited, OkxError, OkxUnavailableError } from "../exchange/okx/errors.ts";
import { GatewayUnavailable, type LeverageGateway, type OrderGateway } from "./gateway.ts";

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

/** OKX's refusals of a leverage: over the instrument's maximum, or too low for the margin held (59103, 59108, 59109). */
const LEVER_REFUSALS = new Set(["51370", "59102", "59103", "59104", "59105", "59108", "59109"]);

export function okxLeverageGateway(ingest: Ingest): LeverageGateway {
  return {
    leverage: (instId) => ingest.leverage(instId).catch(mapError),
    setLeverage: (instId, lever) =>
      ingest.setLeverage(instId, lever).catch((err: unknown) => {
        if (err instanceof OkxError && LEVER_REFUSALS.has(err.code))
          throw new ExchangeRejected(`OKX refused the leverage: ${err.msg}`, {
            details: [{ field: "lever", message: `${err.msg} (${err.code})` }],
          });
        return mapError(err);
      }),
  };
}
