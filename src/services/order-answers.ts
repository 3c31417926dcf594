// The exchange's answers about orders as domain errors: unreachable (safe to retry), refused, no such order.
import { ExchangeRejected, ExchangeUnavailable, NotFound } from "../domain/errors.ts";
import type { OrderAck } from "../domain/orders.ts";
import { GatewayUnavailable } from "./gateway.ts";

/** OKX's sCode for a clOrdId it already has. */
export const DUPLICATE_CLORDID = "51016";
const NOT_FOUND_CODES = new Set(["51400", "51401", "51603", "51503"]);

/**
 * Runs a gateway call; an unreachable exchange becomes ExchangeUnavailable, its message saying
 * what is safe to do again (`retry`; for orders, a retry with the same key).
 */
export async function exchangeCall<T>(
  f: () => Promise<T>,
  retry = "retrying with the same Idempotency-Key is safe",
): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof GatewayUnavailable) throw new ExchangeUnavailable(`${err.message}; ${retry}`, { cause: err });
    throw err;
  }
}

/** The ack of a cancel or amend when it succeeded; otherwise NotFound (no such open order) or the refusal. */
export function acknowledged(ack: OrderAck): OrderAck {
  if (ack.code !== "0") throw NOT_FOUND_CODES.has(ack.code) ? notFoundOrder(ack) : rejected(ack);
  return ack;
}

export function rejected(ack: OrderAck): ExchangeRejected {
  const code = ack.code === "51008" ? "insufficient_balance" : "exchange_rejected";
  return new ExchangeRejected(`OKX refused: ${ack.message || ack.code}`, {
    code,
    details: [{ message: `sCode ${ack.code}: ${ack.message}` }],
  });
}

function notFoundOrder(ack: OrderAck): NotFound {
  return new NotFound(`no such open order (${ack.code} ${ack.message})`);
}
