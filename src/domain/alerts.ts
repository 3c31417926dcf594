// Price alerts: "tell me when BTC-USDT reaches 45,000". Each is set at a price above or below the
// last one and fires once, the first time the last price gets there. The service holds them
// (src/services/alerts.ts) so they fire with no page open and follow the user to every device;
// the dashboard uses the same rules to check a price before it asks.

/** An alert as the service keeps it, publishes it (channel `alerts:<id>`) and answers it. */
export interface PriceAlert {
  id: string;
  /** The user who set it: only they (or an admin) remove it; the page tells only them when it fires. */
  owner: string;
  instId: string;
  price: number;
  /** Fires when the last price rises to `price` (true) or falls to it (false): set by where it stood. */
  up: boolean;
  /** The user's own words for it ("" when none). */
  note: string;
  /** Set at, ms since 1970. */
  createdAt: number;
  /** When the last price reached it (null while it waits). */
  firedAt: number | null;
  /** The last price that reached it (null while it waits). */
  firedPx: number | null;
}

/** What the stream says of an alert removed (dismissed, or its user deleted). */
export interface AlertGone {
  id: string;
  deleted: true;
}

/** Alerts waiting to fire, per user. */
export const MAX_ACTIVE_ALERTS = 50;
/** Fired alerts kept per user (the oldest go first) until dismissed. */
export const MAX_FIRED_ALERTS = 50;
/** A note's longest. */
export const MAX_ALERT_NOTE = 120;

/** Where the last price must go for an alert at `price`, or why none can be set there. */
export function alertDirection(price: number, last: number | undefined): { up: boolean } | { error: string } {
  if (!Number.isFinite(price) || price <= 0) return { error: "a price above 0" };
  if (last === undefined || !Number.isFinite(last) || last <= 0) return { error: "no last price yet to set it from" };
  if (price === last) return { error: "the last price is there now" };
  return { up: price > last };
}

/** Whether a last price has reached the alert's. */
export const alertReached = (a: Pick<PriceAlert, "up" | "price">, last: number): boolean =>
  a.up ? last >= a.price : last <= a.price;
