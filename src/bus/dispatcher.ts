// The main thread's one reader of the bus: takes each event off the ring once, keeps the window
// that resume and polls read from, and hands every batch, in order, to consumers that do not
// know each other (the stream fan-out, the latest state, polls, the state persistence).
//
// Two kinds of consumer:
// - `onTake`: gets events the moment they are taken off the ring. `head()` takes them, and a
//   REST read calls it first (read-your-writes: an event published just before is seen), so
//   these consumers must be cheap and do no I/O: the latest state. Between two takes such a
//   consumer reflects exactly the events up to `taken`, which is what makes a snapshot "as of
//   head H" exact.
// - `onBatch`: gets the same events later, at the batching cadence of `kick()`, and may write
//   to sockets; it returns how many clients it wrote to, which sets the cadence.
// So a REST read never writes to a socket: it feeds `onTake` consumers only, and sockets are
// written only from `drain()`, run by the wait loop or by a publisher's `kick()`.
//
// The window: `cache` mirrors ring slots taken; an entry is valid while its sequence is still
// inside the ring (seq >= ring tail). One copy out of the ring per event, shared by everyone.
import { nowMs } from "../domain/time.ts";
import {
  type BusEvent,
  type Published,
  type PublishInput,
  type RingHandle,
  type RingProducer,
  RingReader,
} from "./ring.ts";

/** The most events handed over as one batch (and read off the ring in one go). */
const MAX_BATCH = 8192;
/** A fan-out to this many clients or more is batched fully under load; fewer, proportionally less. */
const BATCH_FULL_CLIENTS = 100;

/** Which channels a reader wants (a stream client's filter). */
export interface ChannelMatcher {
  matches(channel: string): boolean;
}

/**
 * Gets each batch in order; returns how many clients it wrote to (nothing: none). The array
 * is lent for the call: keep the events, not the array.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a consumer that writes to no client returns nothing
export type BatchConsumer = (events: BusEvent[]) => number | void;
/** Gets events as they are taken off the ring, possibly inside a REST read: no I/O. Lent, too. */
export type TakeConsumer = (events: BusEvent[]) => void;

export interface DispatchMetrics {
  /** The reader fell a whole ring behind: events were lost to it. */
  overrun(): void;
  /** A batch went to every batch consumer, from `startMs` to `endMs`. */
  delivered(events: BusEvent[], startMs: number, endMs: number): void;
}

/** What a main-thread publisher needs: publish, and the reader hands the event out soon. */
export interface Publisher {
  publish(ev: PublishInput): Published;
}

export interface DispatcherOptions {
  ring: RingHandle;
  metrics: DispatchMetrics;
  log: { error(msg: string, fields?: Record<string, unknown>): void };
  /**
   * Batching under load: the longest a batch waits for more events when the main thread is
   * fully busy (0: only events that arrive during a drain are folded into the next one).
   */
  coalesceMs?: number;
  /** Main-thread CPU share (0..1) above which batching starts. */
  batchLoad?: number;
}

type CpuUsage = { user: number; system: number };
const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => CpuUsage }).threadCpuUsage;
/** CPU time of this thread (Bun: process.threadCpuUsage), else of the process, in ms. */
function threadCpuMs(): number {
  const u = threadCpuUsage ? threadCpuUsage.call(process) : process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export class Dispatcher {
  readonly epoch: string;
  private readonly reader: RingReader;
  /** The last sequence taken off the ring: the window's head. */
  private cursor: number;
  private readonly cache: Array<BusEvent | undefined>;
  private readonly mask: number;
  /** Cache entries below this sequence are cleared (they left the ring: no longer resumable). */
  private cacheFloor = 1;
  /** Taken, not yet handed to the batch consumers: runs of consecutive events, oldest first. */
  private pending: BusEvent[][] = [];
  private readonly takeConsumers: TakeConsumer[] = [];
  private readonly batchConsumers: BatchConsumer[] = [];
  private running = false;
  private looping = false;
  private taking = false;
  private draining = false;
  private drainQueued = false;
  private lastDrainEnd = 0;
  private lastDrainStart = 0;
  /** Clients the last batch was written to, summed over the batch consumers. */
  private lastWrites = 0;
  private readonly coalesceMs: number;
  private readonly batchLoad: number;
  /** Main-thread CPU share, smoothed over ~100 ms; sampled from kick(). */
  private load = 0;
  private loadAt = 0;
  private loadCpuMs = 0;

  constructor(private readonly opts: DispatcherOptions) {
    this.reader = new RingReader(opts.ring);
    this.epoch = this.reader.epoch;
    this.cursor = this.reader.head();
    this.cache = new Array(this.reader.capacity);
    this.mask = this.reader.capacity - 1;
    this.coalesceMs = opts.coalesceMs ?? 20;
    this.batchLoad = Math.min(0.95, opts.batchLoad ?? 0.3);
  }

  /** A consumer fed at every take (see the top of the file). Register before start(). */
  onTake(fn: TakeConsumer): void {
    this.takeConsumers.push(fn);
  }

  /** A consumer fed at the batching cadence, in registration order. Register before start(). */
  onBatch(fn: BatchConsumer): void {
    this.batchConsumers.push(fn);
  }

  /** Starts waiting on the ring: producers on other threads wake the reader through it. */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (!this.looping) void this.loop();
  }

  stop(): void {
    this.running = false;
  }

  /** `producer` for main-thread code: each publish kicks the reader (no cross-thread wake-up). */
  publisher(producer: RingProducer): Publisher {
    return {
      publish: (ev) => {
        const out = producer.publish(ev);
        this.kick();
        return out;
      },
    };
  }

  /**
   * The head after taking in whatever was published (no socket is written): an id a publisher
   * was just given is inside the window, and the `onTake` consumers have seen it.
   */
  head(): number {
    this.take(64);
    return this.cursor;
  }

  /** The last sequence taken, without reading the ring. */
  get taken(): number {
    return this.cursor;
  }

  idOf(seq: number): string {
    return `${this.epoch}-${seq}`;
  }

  /** Oldest sequence a reader can still resume after (its cursor may be tail - 1). */
  windowStart(): number {
    return this.reader.tail() - 1;
  }

  /**
   * Events after `after` that the filter selects, from the window; null if outside it. Reads
   * only what was taken: it never takes or drains, so a catch-up that reads the window cannot
   * start a fan-out inside itself (which would write a block twice to a resuming client).
   */
  since(after: number, filter: ChannelMatcher, limit: number): { events: BusEvent[]; last: number } | null {
    if (after < this.windowStart() || after > this.cursor) return null;
    const events: BusEvent[] = [];
    let s = after + 1;
    for (; s <= this.cursor && events.length < limit; s++) {
      const ev = this.cache[s & this.mask];
      if (!ev || ev.seq !== s) return null;
      if (filter.matches(ev.channel)) events.push(ev);
    }
    return { events, last: s - 1 };
  }

  /**
   * Something was published. Drain at once unless the reader is busy: then wait until the
   * interval after the last drain began, so events that come close together go out as one
   * batch (one write per client instead of one per event). The interval follows the load:
   * - twice the last drain's duration (drains take at most half of the thread's time);
   * - and once the main thread's CPU share passes `batchLoad`, up to `coalesceMs` as it
   *   approaches 100%, scaled down when the last batch was written to fewer than 100 clients.
   * So a lone order event or a quiet market goes out at once, and a million deliveries a second
   * go out as a hundred or so batches per client: latency when idle, throughput (fewer system
   * calls on both ends) when busy.
   */
  kick(): void {
    if (this.drainQueued) return;
    const now = nowMs();
    if (now - this.loadAt >= 10) this.sampleLoad(now);
    // Waiting saves writes in proportion to the clients a batch is written to: a busy thread
    // with few clients (an order placed at a time, its event to one dashboard) gains nothing.
    const over =
      ((this.load - this.batchLoad) / (1 - this.batchLoad)) * Math.min(1, this.lastWrites / BATCH_FULL_CLIENTS);
    const interval = Math.max(2 * (this.lastDrainEnd - this.lastDrainStart), over > 0 ? over * this.coalesceMs : 0);
    if (!this.draining && now - this.lastDrainStart >= interval) {
      this.drain();
      return;
    }
    this.drainQueued = true;
    const wait = interval - (now - this.lastDrainStart);
    if (wait >= 0.5) setTimeout(this.queuedDrain, wait);
    else setImmediate(this.queuedDrain);
  }

  /** The main thread's CPU share since the last sample, smoothed over ~100 ms. */
  private sampleLoad(now: number): void {
    const cpu = threadCpuMs();
    const dt = now - this.loadAt;
    const cur = Math.min(1, Math.max(0, (cpu - this.loadCpuMs) / dt));
    this.load = dt >= 100 ? cur : this.load + (cur - this.load) * (dt / 100);
    this.loadAt = now;
    this.loadCpuMs = cpu;
  }

  private readonly queuedDrain = () => {
    this.drainQueued = false;
    this.drain();
  };

  /** Wakes on every publish; a stopped reader hands nothing out until kicked or restarted. */
  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.running) {
        await this.reader.wait(1000);
        if (!this.running) break;
        if (this.reader.head() > this.cursor || this.pending.length > 0) this.kick();
      }
    } finally {
      this.looping = false;
    }
  }

  /** Takes in what is new and hands it to the batch consumers. Re-entrant calls are folded. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.lastDrainStart = nowMs();
    try {
      for (let rounds = 0; rounds < 64; rounds++) {
        this.take(1);
        if (this.pending.length === 0) break;
        const runs = this.pending;
        this.pending = [];
        for (const events of runs) this.deliver(events);
      }
    } finally {
      this.draining = false;
      this.lastDrainEnd = nowMs();
    }
  }

  /** Reads up to `reads` times MAX_BATCH new events into the window and the take consumers. */
  private take(reads: number): void {
    if (this.taking) return; // a take consumer reading back: it has what there is
    this.taking = true;
    try {
      for (let n = 0; n < reads && this.reader.head() > this.cursor; n++) {
        const got = this.reader.read(this.cursor, MAX_BATCH);
        if (got.overrun) this.opts.metrics.overrun();
        this.cursor = Math.max(this.cursor, got.last);
        const events = got.events;
        if (events.length === 0) break;
        for (const ev of events) this.cache[ev.seq & this.mask] = ev;
        this.queue(events);
        for (const fn of this.takeConsumers) {
          try {
            fn(events);
          } catch (err) {
            this.opts.log.error("bus consumer failed", { err });
          }
        }
      }
      this.trimCache();
    } finally {
      this.taking = false;
    }
  }

  /** Adds a run to the pending batches, joined to the last one when they are consecutive. */
  private queue(events: BusEvent[]): void {
    const prev = this.pending[this.pending.length - 1];
    if (prev && prev.length + events.length <= MAX_BATCH && prev[prev.length - 1]!.seq + 1 === events[0]!.seq) {
      for (const ev of events) prev.push(ev);
    } else this.pending.push(events);
  }

  private deliver(events: BusEvent[]): void {
    const t0 = nowMs();
    let writes = 0;
    for (const fn of this.batchConsumers) {
      try {
        writes += fn(events) || 0;
      } catch (err) {
        this.opts.log.error("bus consumer failed", { err });
      }
    }
    this.lastWrites = writes;
    this.opts.metrics.delivered(events, t0, nowMs());
  }

  /**
   * Drops cached events that the ring has overwritten, so the cache holds no more than the
   * ring's window (BUS_BYTES), not `capacity` events of any size. Amortized one slot per event.
   */
  private trimCache(): void {
    const tail = this.reader.tail();
    if (tail - this.cacheFloor > this.cache.length) this.cacheFloor = tail - this.cache.length;
    for (; this.cacheFloor < tail; this.cacheFloor++) {
      const i = this.cacheFloor & this.mask;
      if (this.cache[i]?.seq === this.cacheFloor) this.cache[i] = undefined;
    }
  }
}
