// Retry delays, defined once for every reconnect and retry (OKX sockets, the ingest Worker, Redis,
// ClickHouse): exponential with jitter, so many clients (or our own connections) do not all come
// back in the same instant after an outage.

/**
 * Delay before retry `attempt` (0 = first retry): a random point in the upper half of
 * min(max, base * 2^attempt) ("equal jitter": never 0, never above the cap).
 * @example backoffDelay(3, 250, 30_000) // between 1000 and 2000
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
