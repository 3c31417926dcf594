// What the order service needs from an exchange: place, cancel, amend, look up, instruments.
// The OKX ingest (okx-gateway.ts) implements it; tests may use a fake.
import type { InstrumentSpec } from "../domain/instruments.ts";
import type { OrderAck, OrderAmend, OrderRef, OrderRequest } from "../domain/orders.ts";

export interface OrderGateway {
  instrument(instId: string): InstrumentSpec | undefined;
  /** The order service always names the order (clOrdId), so a retry can find it. */
  place(o: OrderRequest & { clOrdId: string }): Promise<OrderAck>;
  cancel(ref: OrderRef): Promise<OrderAck>;
  amend(a: OrderAmend): Promise<OrderAck>;
  /** The order as OKX knows it (REST), or null when unknown. */
  get(ref: OrderRef): Promise<Record<string, unknown> | null>;
}

/** The gateway could not be reached or did not answer (the order's fate may be unknown). */
export class GatewayUnavailable extends Error {
  override name = "GatewayUnavailable";
}

/** What the leverage service needs from an exchange: a swap's leverage (cross margin), read and set. */
export interface LeverageGateway {
  leverage(instId: string): Promise<number>;
  /** Resolves with the leverage now set; rejects with ExchangeRejected (on `lever`) when the exchange refuses it. */
  setLeverage(instId: string, lever: number): Promise<number>;
}
