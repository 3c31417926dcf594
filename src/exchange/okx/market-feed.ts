// Public and business pushes → normalized events: tickers, trades, candles, swaps' funding directly; order
// books through BookSync, resubscribing a book that fell out of sync and announcing it with a
// `system` book_resync event so that no stale book is ever served as current.

import { backoffDelay } from "../../domain/backoff.ts";
import type { Normalized } from "../../domain/events.ts";
import { type BookStep, BookSync } from "./book-sync.ts";
import { instTypeOf } from "./instruments.ts";
import { MalformedError } from "./parse-fields.ts";
import type { Frame, Obj } from "./parse-frame.ts";
import { parseBookMsg, parseMarketPush } from "./parse-market.ts";

export interface Sink {
  publish(ev: Normalized, rxTs: number): void;
  malformed(reason: string): void;
}

export interface MarketFeedOptions {
  instruments: string[];
  book: "books" | "books5";
  publishDepth: number;
  candle: string | null;
  sink: Sink;
  /** Ask the public connection to unsubscribe + subscribe this arg (a fresh snapshot follows). */
  resubscribe(arg: Obj): void;
  now?: () => number;
}

export class MarketFeed {
  private readonly books = new Map<string, BookSync>();
  /** Consecutive resyncs per instId, to slow a book that keeps failing (480 subscribes/hour). */
  private readonly strikes = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  resyncs = 0;

  constructor(private readonly o: MarketFeedOptions) {
    for (const instId of o.instruments) this.books.set(instId, new BookSync(instId, o.book, o.publishDepth));
  }

  /** Subscription args per connection. */
  subscriptions(): { public: Obj[]; business: Obj[] } {
    const pub: Obj[] = [];
    for (const instId of this.o.instruments) {
      pub.push({ channel: "tickers", instId }, { channel: this.o.book, instId }, { channel: "trades", instId });
      if (instTypeOf(instId) === "SWAP") pub.push({ channel: "funding-rate", instId });
    }
    const business = this.o.candle ? this.o.instruments.map((instId) => ({ channel: this.o.candle, instId })) : [];
    return { public: pub, business };
  }

  /** Instruments whose book is not in sync right now. */
  resyncing(): string[] {
    return [...this.books.values()].filter((b) => !b.inSync).map((b) => b.instId);
  }

  onPush(frame: Extract<Frame, { kind: "push" }>, rxTs: number): void {
    const { channel, arg, data, action } = frame;
    try {
      if (channel === this.o.book) {
        for (const item of data) this.onBook(parseBookMsg(item, arg, action), rxTs);
        return;
      }
      for (const ev of parseMarketPush(channel, arg, data)) this.o.sink.publish(ev, rxTs);
    } catch (err) {
      if (!(err instanceof MalformedError)) throw err;
      this.o.sink.malformed(`${channel}: ${err.message}`);
    }
  }

  /** The public connection is gone: every book is stale until its snapshot comes back. */
  onDisconnected(): void {
    for (const b of this.books.values()) {
      if (!b.inSync) continue;
      b.invalidate();
      this.resyncs++;
      this.announce(b.instId, "disconnected", "public connection lost");
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onBook(msg: ReturnType<typeof parseBookMsg>, rxTs: number): void {
    const sync = this.books.get(msg.instId);
    if (!sync) return; // not ours (a late push after a config change)
    const step: BookStep = sync.onMessage(msg);
    if (step.kind === "publish") {
      if (msg.action === "update") this.strikes.delete(msg.instId);
      this.o.sink.publish({ type: "book", channel: `books:${msg.instId}`, data: step.book, exTs: step.book.ts }, rxTs);
    } else if (step.kind === "resync") {
      this.resyncs++;
      this.announce(msg.instId, step.reason, step.detail);
      const n = (this.strikes.get(msg.instId) ?? 0) + 1;
      this.strikes.set(msg.instId, n);
      const arg = { channel: this.o.book, instId: msg.instId };
      // Twice at once, then backing off (0.25-0.5 s, doubling up to 30 s) while the book keeps breaking.
      const delay = n <= 2 ? 0 : backoffDelay(n - 3, 500, 30_000);
      if (delay === 0) this.o.resubscribe(arg);
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.o.resubscribe(arg);
        }, delay);
        this.timers.add(t);
      }
    }
  }

  private announce(instId: string, reason: string, detail: string): void {
    const ts = this.o.now?.() ?? Date.now();
    this.o.sink.publish(
      {
        type: "system",
        channel: "system",
        data: { kind: "book_resync", instId, channel: `books:${instId}`, reason, detail, ts },
      },
      ts,
    );
  }
}
