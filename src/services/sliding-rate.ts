// A count of hits over a sliding span: the per-user order rate of the risk check (and a strategy's own).

/** Hits in the last `spanMs`: times in arrival order, expired ones skipped from the front (no copy per hit). */
export class SlidingRate {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  /** Records a hit at `now` and returns how many there were in the window, this one included. */
  hit(now: number): number {
    const t = this.times;
    while (this.head < t.length && now - t[this.head]! >= this.spanMs) this.head++;
    if (this.head > 1024 && this.head * 2 > t.length) {
      this.times = t.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}
