// Who published an event onto the bus, and whose events count as the exchange's truth: the rule
// the latest state, the risk checks and the recorder share.

/**
 * Who published an event: `exchange` the OKX connection (the ingest Workers), `service`
 * tradewire's own code (commands, notices, strategies), `engine` the external engine's bridge,
 * `http` POST /api/events (an engine or admin login). Set by the publishing code, never by the
 * event's content; clients see it as the event's `src`.
 */
export const SOURCES = ["service", "exchange", "engine", "http"] as const;
export type Source = (typeof SOURCES)[number];

/** Event types that state the exchange's truth: prices, books, trades, the account, its orders and fills. */
export const EXCHANGE_TYPES: ReadonlySet<string> = new Set([
  "ticker",
  "book",
  "trade",
  "candle",
  "funding",
  "order",
  "fill",
  "position",
  "balance",
  "account",
]);

/**
 * Whether an event may be taken as the exchange's truth (latest state, risk checks, history):
 * only what the exchange connection or tradewire's own services published. An engine's or an
 * HTTP publisher's events stay on the stream, marked by their `src`, and nothing else.
 * @example fromTruth("engine") // false
 */
export function fromTruth(source: Source): boolean {
  return source === "exchange" || source === "service";
}
