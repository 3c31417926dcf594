// The event bus: a SharedArrayBuffer ring that one producer at a time fills and any number of
// readers (on any thread) drain without locks. It is also the replay window for resume.
//
// Contract
// - Producers: `RingProducer.publish()`, from the main thread or a Worker (the OKX ingest
//   thread). Producers serialize among themselves on a claim word held only for the copy of
//   one record; readers never touch it, and a producer never waits for a reader. A producer
//   with a batch in hand may wake the readers once for several events (`publish(ev, false)`,
//   then `wake()`); an event is readable as soon as it is published either way.
// - Readers: `RingReader.read(after)` copies out every event after a sequence number, as one
//   batch (one memcpy per contiguous run), and says whether the reader was overrun.
//   `RingReader.wait()` resolves when a producer wakes the readers (Atomics.waitAsync, cross-thread).
// - Sequence numbers start at 1 and only grow; an event's id is `<epoch>-<seq>`. The epoch is
//   fixed when the ring is created, so ids from an earlier process never resolve here.
// - Every record says who published it (its `source`): set by the producer's code, never by the
//   event's own content, so readers can tell the exchange's events from an engine's.
//
// Invariants
// - head = the last published sequence; tail = the oldest sequence whose bytes are intact.
//   Events tail..head are readable; head - tail < capacity; their records fit in `bytes`.
// - The producer moves tail past every record it is about to overwrite BEFORE it writes,
//   and moves head AFTER the record and its index slot are complete. A reader validates a
//   copy by loading tail AFTER copying (seqlock style): a record it copied is intact iff
//   its seq >= tail at that moment.
// - A record is written once and never changed; readers copy it out of the shared memory, so
//   a frame handed to a socket never changes afterwards.
//
// Record layout (little endian):
//   f64 rx time (ms, epoch) | f64 pub time | u16 channel length | u8 type length | u8 source |
//   u32 frame length | channel utf8 | type utf8 | frame utf8 (the SSE frame, see frame.ts)

import { SOURCES, type Source } from "../domain/source.ts";
import { nowMs } from "../domain/time.ts";

const HEAD = 0; // BigInt64 index: last published seq
const TAIL = 1; // BigInt64 index: oldest intact seq
const WAKE = 4; // Int32 index: bumped on every publish; readers Atomics.wait on it
const LOCK = 5; // Int32 index: producer claim word
const WPOS = 6; // Int32 index: byte offset of the next record
const CAP = 7; //  Int32 index: capacity (events)
const BYTES = 8; // Int32 index: data bytes
const EPOCH = 6; // Float64 index (bytes 48..56): epoch as ms since 1970
const HEADER = 64;
/** What ends a frame: the JSON's closing brace and the blank line of SSE. */
const FRAME_END = "}\n\n";
export const REC_HEAD = 24;

export interface RingOptions {
  /** Events kept, a power of two. */
  capacity: number;
  /** Bytes for records. */
  bytes: number;
}

/** What a Worker needs to attach to the same ring: postMessage() it. */
export interface RingHandle {
  sab: SharedArrayBuffer;
}

export function createRing(opts: RingOptions): RingHandle {
  const { capacity, bytes } = opts;
  if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError("capacity must be a power of two");
  if (bytes < 1024 || bytes > 0x7fff_fff0) throw new RangeError("bytes out of range");
  const sab = new SharedArrayBuffer(HEADER + capacity * 8 + bytes);
  const i32 = new Int32Array(sab, 0, HEADER / 4);
  const f64 = new Float64Array(sab, 0, HEADER / 8);
  i32[CAP] = capacity;
  i32[BYTES] = bytes;
  // Epoch: creation time in ms; readers format it in base 36.
  f64[EPOCH] = Date.now();
  const i64 = new BigInt64Array(sab, 0, 2);
  i64[HEAD] = 0n;
  i64[TAIL] = 1n;
  return { sab };
}

class RingView {
  protected readonly i32: Int32Array;
  protected readonly i64: BigInt64Array;
  protected readonly index: Int32Array; // per slot: [seq & 0x7fffffff, offset]
  protected readonly data: Uint8Array;
  protected readonly dv: DataView;
  readonly capacity: number;
  readonly bytes: number;
  readonly epoch: string;
  protected readonly mask: number;

  constructor(readonly handle: RingHandle) {
    const sab = handle.sab;
    this.i32 = new Int32Array(sab, 0, HEADER / 4);
    this.i64 = new BigInt64Array(sab, 0, 2);
    this.capacity = this.i32[CAP]!;
    this.bytes = this.i32[BYTES]!;
    this.mask = this.capacity - 1;
    this.index = new Int32Array(sab, HEADER, this.capacity * 2);
    this.data = new Uint8Array(sab, HEADER + this.capacity * 8, this.bytes);
    this.dv = new DataView(sab, HEADER + this.capacity * 8, this.bytes);
    this.epoch = Math.floor(new Float64Array(sab, 0, HEADER / 8)[EPOCH]!).toString(36);
  }

  /** Last published sequence (0 when empty). */
  head(): number {
    return Number(Atomics.load(this.i64, HEAD));
  }

  /** Oldest sequence still readable. */
  tail(): number {
    return Number(Atomics.load(this.i64, TAIL));
  }

  /** Byte length of the channel of the record at `off` (its bytes start at off + REC_HEAD). */
  protected channelLength(off: number): number {
    return this.dv.getUint16(off + 16, true);
  }

  protected recordLength(off: number): number {
    const dv = this.dv;
    if (off < 0 || off + REC_HEAD > this.bytes) return 0;
    return REC_HEAD + dv.getUint16(off + 16, true) + dv.getUint8(off + 18) + dv.getUint32(off + 20, true);
  }
}

/** A source's code in a record: its index in SOURCES. */
const SOURCE_CODE = Object.fromEntries(SOURCES.map((s, i) => [s, i])) as Record<Source, number>;

export interface PublishInput {
  type: string;
  channel: string;
  /** The `data` member, already JSON (encoded once, by the caller, off the lock). */
  dataJson: string;
  /** Exchange timestamp (ms), when the event came from one. */
  exTs?: number;
  /** When the event entered the service (ms since 1970, sub-ms precision). */
  rxTs?: number;
  /** Who publishes it, when not the producer's own source (the main thread publishes for several). */
  source?: Source;
}

export interface Published {
  seq: number;
  id: string;
  pubTs: number;
}

const encoder = new TextEncoder();
export class RingFullError extends Error {
  override name = "RingFullError";
}

/**
 * The writing side. Allocates one string and one small scratch array per publish.
 * @example
 *   const p = new RingProducer(handle);
 *   p.publish({ type: "ticker", channel: "tickers:BTC-USDT", dataJson: '{"last":"1"}' });
 */
/** The claim id of the main thread's producer; Workers take others (see releaseClaim). */
export const MAIN_PRODUCER = 1;

export class RingProducer extends RingView {
  private scratch = new Uint8Array(4096);

  /**
   * @param owner the value this producer writes into the claim word while it holds it (any
   *   positive int32; distinct per thread), so that a thread that dies holding the claim can
   *   be released by its owner's id (`releaseClaim`) instead of blocking every other producer.
   * @param source who publishes through it, unless a publish names another.
   */
  constructor(
    handle: RingHandle,
    private readonly owner = MAIN_PRODUCER,
    readonly source: Source = "service",
  ) {
    super(handle);
    if (!(owner > 0 && owner <= 0x7fffffff && Number.isInteger(owner)))
      throw new RangeError("owner must be a positive int32");
  }

  /**
   * Publishes one event. With `wake` false the readers are not woken for it (a producer with a
   * batch in hand wakes them once, with its last publish or `wake()`): a reader that wakes per
   * event of a flood spends its core on waking.
   */
  publish(ev: PublishInput, wake = true): Published {
    const rxTs = ev.rxTs ?? nowMs();
    const chLen = encoder.encodeInto(ev.channel, this.ensure(ev.channel.length * 3)).written;
    const chBytes = this.scratch.slice(0, chLen);
    const tyLen = encoder.encodeInto(ev.type, this.ensure(ev.type.length * 3)).written;
    const tyBytes = this.scratch.slice(0, tyLen);
    if (chLen > 0xffff || tyLen > 0xff) throw new RangeError("channel or type too long");
    const source = ev.source ?? this.source;

    this.lock();
    try {
      const seq = Number(this.i64[HEAD]!) + 1;
      const id = `${this.epoch}-${seq}`;
      const pubTs = nowMs();
      const ex = ev.exTs === undefined ? "" : `"ex":${ev.exTs},`;
      // The frame is `id: ..\nevent: ..\ndata: <json>\n\n`, written in three pieces so that the
      // event's data (often a KB or more) is never copied into one more string first.
      const head = `id: ${id}\nevent: ${ev.type}\ndata: {"id":"${id}","type":${JSON.stringify(ev.type)},"channel":${JSON.stringify(ev.channel)},"src":"${source}","ts":{${ex}"rx":${rxTs},"pub":${pubTs}},"data":`;
      const frameChars = head.length + ev.dataJson.length + FRAME_END.length;
      const maxLen = REC_HEAD + chLen + tyLen + frameChars * 3;
      if (maxLen > this.bytes / 4) throw new RingFullError("event larger than a quarter of the ring");

      let pos = this.i32[WPOS]!;
      if (pos + maxLen > this.bytes) {
        this.invalidate(seq, pos, this.bytes - pos);
        pos = 0;
      }
      this.invalidate(seq, pos, maxLen);
      const frameStart = pos + REC_HEAD + chLen + tyLen;
      let w = frameStart;
      w += encoder.encodeInto(head, this.data.subarray(w, w + head.length * 3)).written;
      w += encoder.encodeInto(ev.dataJson, this.data.subarray(w, w + ev.dataJson.length * 3)).written;
      w += encoder.encodeInto(FRAME_END, this.data.subarray(w, w + FRAME_END.length)).written;
      const frameLen = w - frameStart;
      const dv = this.dv;
      dv.setFloat64(pos, rxTs, true);
      dv.setFloat64(pos + 8, pubTs, true);
      dv.setUint16(pos + 16, chLen, true);
      dv.setUint8(pos + 18, tyLen);
      dv.setUint8(pos + 19, SOURCE_CODE[source]);
      dv.setUint32(pos + 20, frameLen, true);
      this.data.set(chBytes, pos + REC_HEAD);
      this.data.set(tyBytes, pos + REC_HEAD + chLen);
      const slot = (seq & this.mask) * 2;
      this.index[slot + 1] = pos;
      Atomics.store(this.index, slot, seq & 0x7fffffff);
      this.i32[WPOS] = frameStart + frameLen;
      Atomics.store(this.i64, HEAD, BigInt(seq)); // publish: readers may now see seq
      return { seq, id, pubTs };
    } finally {
      Atomics.store(this.i32, LOCK, 0);
      if (wake) this.wake();
    }
  }

  /** Wakes the readers: something was published since they last looked. */
  wake(): void {
    Atomics.add(this.i32, WAKE, 1);
    Atomics.notify(this.i32, WAKE);
  }

  /** Moves tail past every record that [pos, pos+len) overlaps or whose slot `seq` reuses. */
  private invalidate(seq: number, pos: number, len: number): void {
    const head = Number(this.i64[HEAD]!);
    let tail = Number(this.i64[TAIL]!);
    const start = tail;
    while (tail <= head) {
      if (tail <= seq - this.capacity) {
        tail++;
        continue;
      }
      const off = this.index[(tail & this.mask) * 2 + 1]!;
      const end = off + this.recordLength(off);
      if (off < pos + len && pos < end) {
        tail++;
        continue;
      }
      break;
    }
    if (tail !== start) Atomics.store(this.i64, TAIL, BigInt(tail));
  }

  private lock(): void {
    // Spin: the holder only copies one record. Yield the core after a while (Worker side).
    let spins = 0;
    let held: number;
    while ((held = Atomics.compareExchange(this.i32, LOCK, 0, this.owner)) !== 0) {
      if (++spins > 1000) Atomics.wait(this.i32, LOCK, held, 1);
    }
  }

  private ensure(n: number): Uint8Array {
    if (this.scratch.length < n) this.scratch = new Uint8Array(n * 2);
    return this.scratch;
  }
}

/**
 * Frees the claim word if the producer `owner` holds it: for a Worker that was terminated or
 * crashed in the middle of a publish. Its half-written record is not visible (head never moved
 * to it) and the next publish overwrites it. True if the claim was held by that owner.
 */
export function releaseClaim(handle: RingHandle, owner: number): boolean {
  const i32 = new Int32Array(handle.sab, 0, HEADER / 4);
  const released = Atomics.compareExchange(i32, LOCK, owner, 0) === owner;
  if (released) Atomics.notify(i32, LOCK);
  return released;
}

/** One event copied out of the ring. `frame` is immutable bytes shared by every client. */
export interface BusEvent {
  seq: number;
  id: string;
  type: string;
  channel: string;
  /** Who published it (see SOURCES). */
  source: Source;
  rxTs: number;
  pubTs: number;
  /** The SSE frame: `id: ..\nevent: ..\ndata: <json>\n\n`. */
  frame: Uint8Array;
  /** Byte range of the JSON inside `frame` (WebSocket and polling send this). */
  jsonStart: number;
  jsonEnd: number;
}

export interface ReadResult {
  events: BusEvent[];
  /** True when events after `after` were lost to the producer before they could be read. */
  overrun: boolean;
  /** The sequence the reader should continue after. */
  last: number;
}

const decoder = new TextDecoder();

export class RingReader extends RingView {
  private seen = 0;

  /** The sequences a read after `after` covers (at most `max`): from the tail if `after` fell behind it. */
  protected range(after: number, max: number): { first: number; last: number; head: number } {
    const head = this.head();
    const first = Math.max(after + 1, this.tail());
    return { first, last: Math.min(head, first + max - 1), head };
  }

  /**
   * Copies events after `after` (at most `max`). Allocates one buffer per contiguous run of
   * records plus one object per event.
   */
  read(after: number, max = 4096): ReadResult {
    const { first, last, head } = this.range(after, max);
    let overrun = first > after + 1;
    if (last < first) return { events: [], overrun, last: Math.max(after, head) };

    // 1. Note each record's offset, cut the range into contiguous runs and copy each run once.
    const n = last - first + 1;
    const offs = new Int32Array(n);
    const runs: Array<{ from: number; off: number; buf: Uint8Array }> = [];
    // Each slot's offset is read once: the producer may rewrite a slot between two reads of it, and
    // a run's start read apart from its first record once made a run end before it began. A torn
    // run copies nothing; step 2 then drops what the producer overwrote.
    let runFrom = first;
    let runOff = 0;
    let prevEnd = 0;
    for (let s = first; s <= last; s++) {
      const off = this.index[(s & this.mask) * 2 + 1]!;
      if (s === first) runOff = off;
      else if (off !== prevEnd) {
        runs.push({ from: runFrom, off: runOff, buf: copyOut(this.data, runOff, Math.max(runOff, prevEnd)) });
        runFrom = s;
        runOff = off;
      }
      offs[s - first] = off;
      prevEnd = Math.min(this.bytes, off + this.recordLength(off));
    }
    runs.push({ from: runFrom, off: runOff, buf: copyOut(this.data, runOff, Math.max(runOff, prevEnd)) });

    // 2. Validate: whatever the producer invalidated while we copied is dropped (overrun).
    const valid = this.tail();
    if (valid > first) overrun = true;

    // 3. Parse the intact records out of the private copies.
    const events: BusEvent[] = [];
    let r = 0;
    for (let s = Math.max(first, valid); s <= last; s++) {
      while (r + 1 < runs.length && runs[r + 1]!.from <= s) r++;
      const run = runs[r]!;
      const buf = run.buf;
      const p = offs[s - first]! - run.off;
      if (p < 0 || p + REC_HEAD > buf.length) {
        overrun = true; // cannot happen for an intact record; never parse out of bounds
        continue;
      }
      events.push(parseRecord(buf, p, s, this.epoch));
    }
    return { events, overrun, last };
  }

  /** Resolves when anything was published since the last call (or at once if it already was). */
  wait(timeoutMs = 1000): Promise<void> {
    const v = Atomics.load(this.i32, WAKE);
    if (v !== this.seen) {
      this.seen = v;
      return Promise.resolve();
    }
    const r = Atomics.waitAsync(this.i32, WAKE, v, timeoutMs);
    this.seen = v;
    if (!r.async) return Promise.resolve();
    return r.value.then(() => {
      this.seen = Atomics.load(this.i32, WAKE);
    });
  }
}

/**
 * A private copy of `data[from, to)`. On a SharedArrayBuffer view, Bun's slice() copies a run of
 * records (tens to hundreds of KB) several times slower than allocating and set() does.
 */
function copyOut(data: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  out.set(data.subarray(from, to));
  return out;
}

/** The event of the record at `p` of `buf`, a reader's private copy of intact records. */
export function parseRecord(buf: Uint8Array, p: number, seq: number, epoch: string): BusEvent {
  const dv = new DataView(buf.buffer, buf.byteOffset + p, REC_HEAD);
  const chLen = dv.getUint16(16, true);
  const tyLen = dv.getUint8(18);
  const frameLen = dv.getUint32(20, true);
  const fs = p + REC_HEAD + chLen + tyLen;
  const frame = buf.subarray(fs, fs + frameLen);
  return {
    seq,
    id: `${epoch}-${seq}`,
    type: decoder.decode(buf.subarray(p + REC_HEAD + chLen, fs)),
    channel: decoder.decode(buf.subarray(p + REC_HEAD, p + REC_HEAD + chLen)),
    source: SOURCES[dv.getUint8(19)] ?? "http", // an unknown code counts as the least trusted
    rxTs: dv.getFloat64(0, true),
    pubTs: dv.getFloat64(8, true),
    frame,
    jsonStart: frame.indexOf(0x0a, frame.indexOf(0x0a) + 1) + 7, // after "event: ..\ndata: "
    jsonEnd: frameLen - 2,
  };
}

/** The JSON text of an event (what WebSocket and polling clients receive). */
export function eventJson(ev: BusEvent): string {
  return decoder.decode(ev.frame.subarray(ev.jsonStart, ev.jsonEnd));
}

/** The JSON text of an event, decoded once and kept on the event (state, WebSocket, polls share it). */
export function textOf(ev: BusEvent & { text?: string }): string {
  return (ev.text ??= eventJson(ev));
}
