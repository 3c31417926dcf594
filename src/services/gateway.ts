// What the order service needs from an exchange: place, cancel, amend, look up, instruments.
// The OKX ingest controller implements it; tests may use a fake.
import type { InstrumentInfo } from "../exchange/okx/instruments.ts";

export interface PlaceOrderInput {
  instId: string;
  side: "buy" | "sell";
  ordType: "market" | "limit" | "post_only" | "ioc" | "fok";
  sz: string;
  px?: string;
  tdMode: "cash" | "cross" | "isolated";
  posSide?: "long" | "short" | "net";
  reduceOnly?: boolean;
  clOrdId: string;
}

export interface OrderRef {
  instId: string;
  ordId?: string;
  clOrdId?: string;
}

export interface AmendInput extends OrderRef {
  newSz?: string;
  newPx?: string;
}

/** OKX's per-order answer: sCode "0" means accepted. */
export interface OrderAck {
  ordId: string;
  clOrdId: string;
  sCode: string;
  sMsg: string;
}

/** Tick, lot, minimum size and contract value of an instrument, as the OKX client loads them. */
export type InstrumentSpec = InstrumentInfo;

export interface OrderGateway {
  instrument(instId: string): InstrumentSpec | undefined;
  place(o: PlaceOrderInput): Promise<OrderAck>;
  cancel(ref: OrderRef): Promise<OrderAck>;
  amend(a: AmendInput): Promise<OrderAck>;
  /** The order as OKX knows it (REST), or null when unknown. */
  get(ref: OrderRef): Promise<Record<string, unknown> | null>;
}

/** The gateway could not be reached or did not answer (the order's fate may be unknown). */
export class GatewayUnavailable extends Error {
  override name = "GatewayUnavailable";
}
