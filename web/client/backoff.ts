// Reconnect delays: full jitter (clients that dropped together do not come back together),
// capped, and never sooner than the server's own `retry:` hint.

export interface BackoffOptions {
  /** Ceiling of the first attempt's jitter (ms). */
  baseMs: number;
  /** Largest jitter (ms). */
  maxMs: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 20_000 };

/**
 * Delay before reconnect attempt `attempt` (0 = the first after a drop):
 * `floor + rand(0, min(max, base·2^attempt))`, where `floor` is the server's retry hint.
 */
export function backoffDelay(attempt: number, floorMs: number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.max(0, floorMs) + (o.random ?? Math.random)() * ceiling;
}
