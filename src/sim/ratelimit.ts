// Sliding-window request counters for the OKX limits (OKX.md §8): REST and WS trade ops share
// them, keyed by what OKX keys them by (IP, user, user + instrument).

export class OkxRateLimits {
  private windows = new Map<string, number[]>();
  private sweeps = 0;

  constructor(private enabled = true) {}

  /** Counts `n` requests under `key`; false if that would exceed `limit` per `windowMs`. */
  take(key: string, limit: number, windowMs: number, n = 1, now = Date.now()): boolean {
    if (!this.enabled) return true;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    while (w.length > 0 && w[0]! <= now - windowMs) w.shift();
    if (w.length + n > limit) return false;
    for (let i = 0; i < n; i++) w.push(now);
    if (++this.sweeps % 1000 === 0) this.sweep(now);
    return true;
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.length === 0 || w[w.length - 1]! < now - 60_000) this.windows.delete(k);
  }
}
