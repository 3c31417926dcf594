// A ring reader for a thread that follows a few channels of a busy bus (a strategy's Worker): it
// looks at each record's channel in place and copies out only the records of its channels, so its
// cost follows what it reads, not everything the bus carries.
import { type BusEvent, parseRecord, REC_HEAD, type ReadResult, type RingHandle, RingReader } from "./ring.ts";

const encoder = new TextEncoder();

export class ChannelReader extends RingReader {
  /** The channels followed, UTF-8, grouped by length. */
  private readonly wanted = new Map<number, Uint8Array[]>();

  /** @example new ChannelReader(handle, ["tickers:BTC-USDT", "orders", "fills"]).readChannels(cursor) */
  constructor(handle: RingHandle, channels: Iterable<string>) {
    super(handle);
    for (const c of channels) {
      const b = encoder.encode(c);
      const same = this.wanted.get(b.length);
      if (same) same.push(b);
      else this.wanted.set(b.length, [b]);
    }
  }

  /**
   * The events of the followed channels after `after` (of at most `max` events looked at), in
   * order; `last` is where to continue and `overrun` whether events were lost to the producer,
   * as with read(). Allocates one buffer and one object per event returned.
   */
  readChannels(after: number, max = 4096): ReadResult {
    const { first, last, head } = this.range(after, max);
    let overrun = first > after + 1;
    if (last < first) return { events: [], overrun, last: Math.max(after, head) };

    // 1. Copy out the records whose channel is followed (looked at in place: a record overwritten
    //    meanwhile may be misjudged, but it is dropped below all the same).
    const picked: Array<{ seq: number; buf: Uint8Array }> = [];
    for (let s = first; s <= last; s++) {
      const off = this.index[(s & this.mask) * 2 + 1]!;
      if (off < 0 || off + REC_HEAD > this.bytes) continue;
      const chLen = this.channelLength(off);
      const candidates = this.wanted.get(chLen);
      if (!candidates || off + REC_HEAD + chLen > this.bytes || !this.matches(off + REC_HEAD, candidates)) continue;
      picked.push({ seq: s, buf: this.data.slice(off, Math.min(this.bytes, off + this.recordLength(off))) });
    }

    // 2. Validate (seqlock, see ring.ts): what the producer invalidated while we copied is dropped.
    const valid = this.tail();
    if (valid > first) overrun = true;

    // 3. Parse the intact records out of the private copies.
    const events: BusEvent[] = [];
    for (const { seq, buf } of picked) {
      if (seq < valid || buf.length < REC_HEAD) continue;
      events.push(parseRecord(buf, 0, seq, this.epoch));
    }
    return { events, overrun, last };
  }

  private matches(at: number, candidates: Uint8Array[]): boolean {
    const data = this.data;
    next: for (const c of candidates) {
      for (let i = 0; i < c.length; i++) if (data[at + i] !== c[i]) continue next;
      return true;
    }
    return false;
  }
}
