// Publishes events at a steady rate over a small pool of keep-alive connections, one request in flight each.
//
// The schedule is absolute (event i is due at start + i/R), checked every millisecond, so
// timer jitter never accumulates into drift. Each event carries the time it is written to the
// socket (t, wall-clock ms with sub-ms precision) and its sequence n. No pipelining: uvicorn's
// h11 server stalls on pipelined requests, so, like a browser, the publisher opens up to
// POOL_MAX connections when the server is slow to answer; an event waiting for a free
// connection is counted in queueMs (so a server that is slow to accept publishes shows).

import { nowMs } from "../../src/domain/time.ts";
import { RawConn } from "./conn.ts";
import type { Endpoint } from "./endpoint.ts";
import { Histogram } from "./hist.ts";
import { type Head, ResponseReader, type ResponseSink } from "./http.ts";

const POOL_START = 4;
const POOL_MAX = 32;
const QUEUE_MAX = 100000;
/** An event that waited this long for a free connection is dropped (the server is not keeping up). */
const QUEUE_AGE_MAX_MS = 1000;

export type PublishStats = {
  sent: number;
  ackedOk: number;
  /** Measured events the server accepted: the "expected" count per client. */
  measuredOk: number;
  errors: Record<string, number>;
  /** Events the publisher dropped after waiting over 1 s for a free connection (server not accepting). */
  skipped: number;
  unanswered: number;
  connections: number;
  achievedRate: number;
  ackMs: { p50: number; p99: number; max: number };
  queueMs: { p99: number; max: number };
};

class PubConn extends RawConn implements ResponseSink {
  private readonly reader = new ResponseReader(this);
  private status = 0;
  busyN = -1; // sequence in flight, -1 when free
  busyAt = 0;
  constructor(private readonly owner: Publisher) {
    super(owner.ep.host, owner.ep.port, null);
  }
  opened(): void {
    this.markReady();
    this.owner.dispatch();
  }
  received(buf: Buffer): void {
    this.reader.feed(buf);
  }
  head(h: Head): void {
    this.status = h.status;
  }
  body(): void {}
  end(): void {
    const n = this.busyN;
    this.busyN = -1;
    this.owner.answered(n, this.busyAt, this.status);
  }
  override closed(): void {
    super.closed();
    if (this.closing) return; // closed by us at the end of the run
    if (this.busyN >= 0) this.owner.lost(this.busyN);
    this.busyN = -1;
    this.owner.dispatch();
  }
}

export class Publisher {
  private readonly conns: PubConn[] = [];
  private readonly prefix: string;
  private readonly queueN: number[] = [];
  private readonly queueAt: number[] = [];
  private qHead = 0;
  readonly ack = new Histogram();
  readonly queued = new Histogram();
  sent = 0;
  measuredSent = 0;
  ackedOk = 0;
  measuredOk = 0;
  skipped = 0;
  unansweredLost = 0;
  errors: Record<string, number> = {};
  private measStart = 0;
  private measEnd = 0;

  constructor(readonly ep: Endpoint) {
    let h = `POST ${ep.publish.path} HTTP/1.1\r\nHost: ${ep.host}:${ep.port}\r\nContent-Type: application/json\r\n`;
    for (const [k, v] of Object.entries(ep.headers)) h += `${k}: ${v}\r\n`;
    this.prefix = h;
  }

  /** Opens the first connections; resolves when one is usable. */
  async open(): Promise<void> {
    for (let i = 0; i < POOL_START; i++) this.grow();
    await Promise.any(this.conns.map((c) => c.ready));
  }

  private grow(): void {
    const c = new PubConn(this);
    this.conns.push(c);
    c.connect();
  }

  get inflight(): number {
    let n = this.queueN.length - this.qHead;
    for (const c of this.conns) if (c.busyN >= 0) n++;
    return n;
  }

  /** Sends queued events on free connections; opens more connections when all are busy. */
  dispatch(): void {
    let pending = this.queueN.length - this.qHead;
    if (pending === 0) return;
    let connecting = 0;
    for (const c of this.conns) {
      if (pending === 0) break;
      if (c.state === "connecting") connecting++;
      if (c.state !== "open" || c.busyN >= 0) continue;
      const t = nowMs();
      while (pending > 0 && this.queueAt[this.qHead]! < t - QUEUE_AGE_MAX_MS) {
        this.qHead++;
        pending--;
        this.skipped++;
      }
      if (pending === 0) break;
      const n = this.queueN[this.qHead]!;
      const due = this.queueAt[this.qHead]!;
      this.qHead++;
      pending--;
      this.queued.recordMs(t - due);
      c.busyN = n;
      c.busyAt = t;
      c.send(this.build(n, t));
    }
    if (this.qHead > 4096 && this.qHead * 2 > this.queueN.length) {
      this.queueN.splice(0, this.qHead);
      this.queueAt.splice(0, this.qHead);
      this.qHead = 0;
    }
    this.conns.splice(
      0,
      this.conns.length,
      ...this.conns.filter((c) => c.state === "open" || c.state === "connecting"),
    );
    if (pending > connecting && this.conns.length < POOL_MAX) this.grow();
  }

  answered(n: number, at: number, status: number): void {
    this.ack.recordMs(nowMs() - at);
    if (status >= 200 && status < 300) {
      this.ackedOk++;
      if (n >= this.measStart && n < this.measEnd) this.measuredOk++;
    } else {
      const k = String(status);
      this.errors[k] = (this.errors[k] ?? 0) + 1;
    }
    this.dispatch();
  }

  lost(_n: number): void {
    this.unansweredLost++;
    this.errors["connection closed"] = (this.errors["connection closed"] ?? 0) + 1;
  }

  /**
   * Publishes sequence numbers [first, first+count) at `rate`/s; calls onMeasure(true) when the
   * first measured number (measStart) is due and onMeasure(false) when the last one is.
   */
  run(
    first: number,
    count: number,
    rate: number,
    measStart: number,
    measEnd: number,
    onMeasure: (starting: boolean) => void,
  ): Promise<void> {
    this.measStart = measStart;
    this.measEnd = measEnd;
    const t0 = performance.now();
    const origin = nowMs() - t0;
    let i = 0;
    return new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(count, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
        while (i < due) {
          const n = first + i;
          if (n === measStart) onMeasure(true);
          if (this.queueN.length - this.qHead >= QUEUE_MAX) this.skipped++;
          else {
            this.queueN.push(n);
            this.queueAt.push(origin + t0 + (i * 1000) / rate);
          }
          i++;
          if (n === measEnd - 1) {
            this.dispatch();
            onMeasure(false);
          }
        }
        this.dispatch();
        if (i >= count) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
      tick();
    });
  }

  private build(n: number, t: number): Buffer {
    const body = this.ep.publish.wrap(`{"t":${t.toFixed(3)},"n":${n}}`);
    this.sent++;
    if (n >= this.measStart && n < this.measEnd) this.measuredSent++;
    return Buffer.from(`${this.prefix}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  close(): void {
    for (const c of this.conns) c.close();
  }

  stats(seconds: number): PublishStats {
    const a = this.ack.summary();
    const q = this.queued.summary();
    return {
      sent: this.sent,
      ackedOk: this.ackedOk,
      measuredOk: this.measuredOk,
      errors: this.errors,
      skipped: this.skipped,
      unanswered: this.inflight,
      connections: this.conns.length,
      achievedRate: seconds > 0 ? this.measuredSent / seconds : Number.NaN,
      ackMs: { p50: a.p50, p99: a.p99, max: a.max },
      queueMs: { p99: q.p99, max: q.max },
    };
  }
}
