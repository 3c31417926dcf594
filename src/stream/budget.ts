// A token bucket: what a WebSocket client may send us, so one connection cannot keep the main
// thread parsing its messages (beyond the budget the socket is closed, code 4429).

export class MessageBudget {
  private tokens: number;
  private at: number;

  /**
   * `perS` messages a second on average, up to `burst` at once.
   * @example const b = new MessageBudget(20, 50); if (!b.take()) ws.close(4429, "rate_limited")
   */
  constructor(
    private readonly perS: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Spends one message; false when the budget is used up. */
  take(now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perS) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
