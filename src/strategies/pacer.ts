// Keeps a strategy's orders within its orders-per-second limit inside its Worker: an order that
// would go over waits its turn (first in, first out) instead of being refused by the limit's check
// on the main thread, so a grid that lays forty orders at once gets all forty out in four seconds.
// The main thread's check stays the guard (a limit lowered while orders wait, a late message).

/** The window of the main thread's count, and a margin for the hop between the threads. */
export const RATE_WINDOW_MS = 1000;
const HOP_MARGIN_MS = 25;
/** Orders that may wait, per order a second allowed: beyond, a strategy is placing in a loop. */
const QUEUE_SECONDS = 60;

export class OrderPacer {
  /** When the orders of the last window went (performance.now()), oldest first. */
  private sent: number[] = [];
  private readonly queue: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private max: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Orders that wait for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Most orders that may wait at once. */
  get capacity(): number {
    return this.max * QUEUE_SECONDS;
  }

  /** A new limit (the strategy's limits changed while it runs). */
  setMax(max: number): void {
    this.max = max;
    this.drain();
  }

  /** Runs `send` now if the window has room, else when it has; false (and not run) when the queue is full. */
  submit(send: () => void): boolean {
    if (this.queue.length === 0 && this.room()) {
      this.sent.push(this.now());
      send();
      return true;
    }
    if (this.queue.length >= this.capacity) return false;
    this.queue.push(send);
    this.schedule();
    return true;
  }

  /** Drops what waits (the strategy stopped); returns how many orders that was. */
  clear(): number {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.splice(0).length;
  }

  private room(): boolean {
    const since = this.now() - RATE_WINDOW_MS - HOP_MARGIN_MS;
    let old = 0;
    while (old < this.sent.length && this.sent[old]! <= since) old++;
    if (old) this.sent.splice(0, old);
    return this.sent.length < this.max;
  }

  private drain(): void {
    while (this.queue.length && this.room()) {
      this.sent.push(this.now());
      this.queue.shift()!();
    }
    if (this.queue.length) this.schedule();
  }

  /** Wakes up when the oldest order of the window leaves it. */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const oldest = this.sent[0] ?? this.now();
    const wait = Math.max(1, oldest + RATE_WINDOW_MS + HOP_MARGIN_MS - this.now() + 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, wait);
  }
}
