// How a strategy's orders are told from a person's: their clOrdId starts with `s` and the
// strategy's 10-character id, which is how orders, fills and PnL are attributed to it; a person's
// clOrdId may not look like that. It imports nothing: the browser code uses it too.

export const strategyOrderPrefix = (strategyId: string): string => `s${strategyId}`;
export const STRATEGY_CLORDID = /^s[a-z0-9]{10}/;

/**
 * The strategy an order belongs to, or null for a person's order.
 * @example strategyOfOrder("s0123456789abc") // "0123456789"
 */
export function strategyOfOrder(clOrdId: string): string | null {
  return STRATEGY_CLORDID.test(clOrdId) ? clOrdId.slice(1, 11) : null;
}
