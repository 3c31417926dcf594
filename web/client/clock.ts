// The server's clock as seen from here (offset = server time - local time), so that event
// stamps made on the server can be compared with the moment an event reached the page.
//
// Two kinds of evidence, NTP-style:
// - round trips (a WebSocket ping answered with the server's time): the stamp S was made
//   between send t0 and receipt t1, so offset lies in [S - t1, S - t0]; the midpoint of the
//   sample with the smallest round trip is the estimate;
// - one-way stamps (every event's `pub`, heartbeats, `connected`): sent at S, received at
//   r >= S - offset, so offset >= S - r. The largest of these is a lower bound that the
//   estimate never goes under. Without round trips (SSE, polling) it is the estimate: the
//   fastest message's network delay counts as zero (exact to ~0.1 ms on one machine; across a
//   network the page leg then reads low by the smallest one-way delay).
// Bounds are kept over a sliding window (two 60 s halves) so a drifting clock is followed.

/** Local wall time with sub-ms precision, comparable to the server's stamps (ms since 1970). */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

interface RoundTrip {
  rtt: number;
  mid: number;
  lo: number;
  hi: number;
  at: number;
}

const WINDOW_MS = 60_000;
const KEEP_SAMPLES = 16;

export class ClockOffset {
  private samples: RoundTrip[] = [];
  private lowCur = Number.NEGATIVE_INFINITY;
  private lowPrev = Number.NEGATIVE_INFINITY;
  private windowStart = 0;
  private adopted: number | undefined;

  constructor(private readonly now: () => number = localNow) {}

  /** A round trip: asked at t0, answered at t1 (local), stamped serverTime in between. */
  roundTrip(t0: number, serverTime: number, t1: number): void {
    if (!(t1 >= t0) || !Number.isFinite(serverTime)) return;
    this.samples.push({
      rtt: t1 - t0,
      mid: serverTime - (t0 + t1) / 2,
      lo: serverTime - t1,
      hi: serverTime - t0,
      at: t1,
    });
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
    this.oneWay(serverTime, t1);
  }

  /** A one-way stamp: made on the server at serverTime, received here at receivedAt. */
  oneWay(serverTime: number, receivedAt: number): void {
    const lb = serverTime - receivedAt;
    if (!Number.isFinite(lb)) return;
    this.rotate(receivedAt);
    if (lb > this.lowCur) this.lowCur = lb;
  }

  private rotate(at: number): void {
    if (at - this.windowStart < WINDOW_MS) return;
    this.lowPrev = this.lowCur;
    this.lowCur = Number.NEGATIVE_INFINITY;
    this.windowStart = at;
    this.samples = this.samples.filter((s) => at - s.at < 2 * WINDOW_MS);
  }

  /**
   * An estimate made elsewhere on this machine (the leader tab's): used instead of round trips
   * of our own, never below our lower bound.
   */
  adopt(offset: number): void {
    if (Number.isFinite(offset)) this.adopted = offset;
  }

  /** The lower bound from recent one-way stamps (-Infinity before any). */
  get lowerBound(): number {
    return Math.max(this.lowCur, this.lowPrev);
  }

  /** The best round trip's length (ms), or null without one. */
  get rtt(): number | null {
    return this.best()?.rtt ?? null;
  }

  private best(): RoundTrip | undefined {
    let b: RoundTrip | undefined;
    for (const s of this.samples) if (!b || s.rtt < b.rtt) b = s;
    return b;
  }

  /** Server time minus local time (ms): 0 until there is evidence. */
  get offset(): number {
    const lb = this.lowerBound;
    const b = this.best();
    if (this.adopted !== undefined && !b) return Number.isFinite(lb) ? Math.max(this.adopted, lb) : this.adopted;
    if (!b) return Number.isFinite(lb) ? lb : 0;
    // Stamps newer than the sample may show the clock moved past the sample's upper bound.
    if (lb > b.hi) return lb;
    return Math.max(b.mid, lb);
  }

  /** What the server's clock says now. */
  serverNow(): number {
    return this.now() + this.offset;
  }
}
