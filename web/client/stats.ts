// What the client measures about its stream: the server clock offset, the latency of each leg
// of every event's trip (histograms), and counts of what went wrong or was dropped.
import { ClockOffset } from "./clock.ts";
import { type HistogramSnapshot, LogHistogram } from "./histogram.ts";
import type { StreamEvent } from "./types.ts";

export interface StreamCounts {
  /** Events handed to the page (not counting snapshots). */
  events: number;
  /** Latest-state items received with a (re)start or reset. */
  snapshots: number;
  /** Events caught up after a reconnect (published before it): not in the page leg. */
  replayed: number;
  /** Events already seen (same epoch, sequence at or below the cursor), dropped. */
  duplicates: number;
  /** Times the stream could not continue where it was (reset, new epoch): snapshots refetched. */
  resets: number;
  /** Resets that lost events (the client fell out of the replay window or behind the cap). */
  gaps: number;
  malformed: number;
  /** Well-formed events of a type this client does not know: ignored. */
  unknown: number;
  handlerErrors: number;
  /** Connections opened after the first. */
  reconnects: number;
}

export interface LatencyReport {
  /** Server time - local time (ms). */
  offsetMs: number;
  /** The best round trip behind the offset (ms), null when only one-way stamps were seen. */
  rttMs: number | null;
  legs: {
    /** exchange -> tradewire received (rx - ex): the exchange's push and the network. */
    exchange: HistogramSnapshot;
    /** received -> published on the bus (pub - rx): normalizing and publishing. */
    ingest: HistogramSnapshot;
    /** published -> handed to this page (now + offset - pub): fan-out, network, browser. */
    page: HistogramSnapshot;
    /** exchange -> handed to this page (now + offset - ex): the whole trip, events with an exchange time. */
    total: HistogramSnapshot;
  };
  counts: StreamCounts;
}

/** Reasons of a reset that mean events were lost (not just an unusable id). */
const LOSSY = new Set(["outside_window", "overrun", "lagging", "epoch"]);

export class StreamStats {
  readonly clock = new ClockOffset();
  readonly exchange = new LogHistogram();
  readonly ingest = new LogHistogram();
  readonly page = new LogHistogram();
  readonly total = new LogHistogram();
  counts: StreamCounts = zero();

  /**
   * An event handed to the page at local time `at`. A replayed one (caught up after a
   * reconnect) waited for the reconnect, not for the stream: it counts in the server's legs only.
   */
  event(ev: StreamEvent, at: number, replayed = false): void {
    this.counts.events++;
    const ts = ev.ts;
    if (ts.ex !== undefined && ts.ex > 0) this.exchange.record(ts.rx - ts.ex);
    this.ingest.record(ts.pub - ts.rx);
    if (replayed) {
      this.counts.replayed++;
      return;
    }
    this.clock.oneWay(ts.pub, at);
    const now = at + this.clock.offset;
    this.page.record(now - ts.pub);
    if (ts.ex !== undefined && ts.ex > 0) this.total.record(now - ts.ex);
  }

  reset(reason: string): void {
    this.counts.resets++;
    if (LOSSY.has(reason)) this.counts.gaps++;
  }

  report(): LatencyReport {
    return {
      offsetMs: this.clock.offset,
      rttMs: this.clock.rtt,
      legs: {
        exchange: this.exchange.snapshot(),
        ingest: this.ingest.snapshot(),
        page: this.page.snapshot(),
        total: this.total.snapshot(),
      },
      counts: { ...this.counts },
    };
  }

  /** Starts the histograms and counts afresh (the clock keeps its evidence). */
  clear(): void {
    this.exchange.reset();
    this.ingest.reset();
    this.page.reset();
    this.total.reset();
    this.counts = zero();
  }
}

function zero(): StreamCounts {
  return {
    events: 0,
    snapshots: 0,
    replayed: 0,
    duplicates: 0,
    resets: 0,
    gaps: 0,
    malformed: 0,
    unknown: 0,
    handlerErrors: 0,
    reconnects: 0,
  };
}
