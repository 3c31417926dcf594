// Finds the publisher's {"t":<ms>,"n":<seq>} in received bytes without parsing frames or JSON.
//
// Every transport (SSE, WebSocket, polling, for tradewire and the anchors) ends up carrying
// the publisher's data object somewhere in its payload; the only thing the generator needs
// from each event is its send time t and its sequence n. Scanning with Buffer.indexOf (native
// memmem) and reading two numbers by hand keeps the generator's cost per delivery small, so
// that it is not the bottleneck at 1,000,000 deliveries/s.

import { Histogram } from "./hist.ts";

const NEEDLE = Buffer.from('"t":');
const SP = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DOT = 0x2e;
const D0 = 0x30;
const D9 = 0x39;
const N_KEY = [0x22, 0x6e, 0x22, 0x3a]; // "n":

/** What one client saw in one run. */
export class ClientTally {
  got = 0; // distinct measured events received
  dups = 0; // measured events received a second time
  reordered = 0; // measured events received after a later one (publishes race over several connections)
  warm = 0; // warm-up events received (readiness check)
  stale = 0; // events from an earlier run (e.g. nchan's stored "newest" message)
  lastN = -1;
  lastAt = 0; // receive time (ms) of the last measured event
  seen: Uint8Array | null = null; // one bit per measured sequence number
}

/** Shared by all clients of one run: the window of measured sequence numbers and the histogram. */
export class Recorder {
  readonly hist = new Histogram();
  /** Receive time of the current socket read, set once per read (all its events arrived together). */
  now = 0;
  deliveries = 0;
  /** Socket reads by subscribers, and ticks of any run phase: ticks/reads shows how much the server batches per write. */
  reads = 0;
  ticks = 0;
  constructor(
    readonly warmStart: number,
    readonly measStart: number,
    readonly measEnd: number,
  ) {}

  tick(c: ClientTally, t: number, n: number): void {
    this.ticks++;
    if (n < this.measStart || n >= this.measEnd) {
      if (n >= this.warmStart && n < this.measStart) c.warm++;
      else c.stale++;
      return;
    }
    this.hist.recordMs(this.now - t);
    this.deliveries++;
    const i = n - this.measStart;
    const seen = (c.seen ??= new Uint8Array(((this.measEnd - this.measStart) >> 3) + 1));
    const bit = 1 << (i & 7);
    if (seen[i >> 3]! & bit) {
      c.dups++;
      return;
    }
    seen[i >> 3]! |= bit;
    c.got++;
    c.lastAt = this.now;
    if (n < c.lastN) c.reordered++;
    else c.lastN = n;
  }
}

/**
 * Stream scanner for one connection. push() takes payload bytes in order (already de-chunked
 * or de-framed); a token cut by a read or chunk boundary is carried to the next push.
 */
export class TickStream {
  private carry: Buffer | null = null;
  constructor(
    readonly tally: ClientTally,
    private readonly rec: Recorder,
  ) {}

  push(buf: Buffer, from: number, to: number): void {
    if (this.carry !== null) {
      const joined = Buffer.concat([this.carry, buf.subarray(from, to)]);
      this.carry = null;
      this.scan(joined, 0, joined.length);
    } else {
      this.scan(buf, from, to);
    }
  }

  private scan(buf: Buffer, from: number, to: number): void {
    let i = from;
    for (;;) {
      const k = buf.indexOf(NEEDLE, i);
      if (k < 0 || k + 4 > to) break;
      const end = this.parseAt(buf, k + 4, to);
      if (end < 0) {
        this.keep(buf, k, to);
        return;
      }
      i = end;
    }
    // a needle prefix ("  "t  "t") may sit at the very end
    for (let p = Math.max(i, to - 3); p < to; p++) {
      if (buf[p] === QUOTE && isNeedlePrefix(buf, p, to)) {
        this.keep(buf, p, to);
        return;
      }
    }
  }

  private keep(buf: Buffer, from: number, to: number): void {
    // copy: the caller's buffer may be reused by the runtime after the callback
    this.carry = Buffer.from(buf.subarray(from, to));
  }

  /** Parses `<t>,"n":<n>` starting after `"t":`; returns the index after n, or -1 when cut off. */
  private parseAt(buf: Buffer, p: number, to: number): number {
    while (p < to && buf[p] === SP) p++;
    let t = 0;
    let c = 0;
    while (p < to && (c = buf[p]!) >= D0 && c <= D9) {
      t = t * 10 + (c - D0);
      p++;
    }
    if (p >= to) return -1;
    if (c === DOT) {
      p++;
      let scale = 1;
      let f = 0;
      while (p < to && (c = buf[p]!) >= D0 && c <= D9) {
        f = f * 10 + (c - D0);
        scale *= 10;
        p++;
      }
      if (p >= to) return -1;
      t += f / scale;
    }
    if (c !== COMMA) return p; // not our object: skip it
    p++;
    while (p < to && buf[p] === SP) p++;
    for (let j = 0; j < 4; j++, p++) {
      if (p >= to) return -1;
      if (buf[p] !== N_KEY[j]) return p;
    }
    while (p < to && buf[p] === SP) p++;
    let n = 0;
    let digits = 0;
    while (p < to && (c = buf[p]!) >= D0 && c <= D9) {
      n = n * 10 + (c - D0);
      digits++;
      p++;
    }
    if (p >= to) return -1;
    if (digits > 0) this.rec.tick(this.tally, t, n);
    return p;
  }
}

function isNeedlePrefix(buf: Buffer, p: number, to: number): boolean {
  for (let j = 0; p + j < to; j++) if (buf[p + j] !== NEEDLE[j]) return false;
  return true;
}
