// Keeps one instrument's local book honest: seqId/prevSeqId chaining and the checksum (when
// OKX sends one) decide whether a message is applied or the book must be fetched afresh.
// A book that is not in sync is never published. No I/O: the caller resubscribes.
import type { Book } from "../../domain/events.ts";
import { applyBookUpdate, bookChecksum, bookFromSnapshot, bookView, type LocalBook } from "./book.ts";
import type { BookMsg } from "./parse-market.ts";

export type BookStep =
  | { kind: "publish"; book: Book }
  | { kind: "resync"; reason: "gap" | "checksum"; detail: string }
  | { kind: "skip"; reason: "awaiting_snapshot" | "heartbeat" };

export const CHANNEL_DEPTH = { books: 400, books5: 5 } as const;

export class BookSync {
  private book: LocalBook | null = null;

  constructor(
    readonly instId: string,
    readonly channel: keyof typeof CHANNEL_DEPTH,
    /** Levels per side in published events. */
    readonly publishDepth: number,
  ) {}

  /** True while the local book is a faithful copy (a snapshot arrived and nothing broke since). */
  get inSync(): boolean {
    return this.book !== null;
  }

  /** Forget the book (connection lost, resubscribing): updates are skipped until a snapshot. */
  invalidate(): void {
    this.book = null;
  }

  onMessage(msg: BookMsg): BookStep {
    const depth = CHANNEL_DEPTH[this.channel];
    if (msg.action === "snapshot") {
      const book = bookFromSnapshot(this.instId, msg.asks, msg.bids, msg.ts, msg.seqId ?? 0, depth);
      if (msg.checksum !== 0 && bookChecksum(book) !== msg.checksum) {
        this.book = null;
        return {
          kind: "resync",
          reason: "checksum",
          detail: `snapshot checksum ${msg.checksum} != ${bookChecksum(book)}`,
        };
      }
      this.book = book;
      return { kind: "publish", book: bookView(book, Math.min(this.publishDepth, depth)) };
    }

    const book = this.book;
    if (!book) return { kind: "skip", reason: "awaiting_snapshot" };
    const { seqId, prevSeqId } = msg;
    if (seqId === null || prevSeqId === null) {
      this.book = null;
      return { kind: "resync", reason: "gap", detail: "update without seqId/prevSeqId" };
    }
    // seqId below prevSeqId: OKX restarted the chain (maintenance); accept it as the new start.
    const reset = seqId < prevSeqId;
    if (!reset && prevSeqId !== book.seqId) {
      this.book = null;
      return { kind: "resync", reason: "gap", detail: `prevSeqId ${prevSeqId} != last seqId ${book.seqId}` };
    }
    if (!reset && seqId === prevSeqId && msg.asks.length === 0 && msg.bids.length === 0) {
      return { kind: "skip", reason: "heartbeat" };
    }
    applyBookUpdate(book, msg.asks, msg.bids, msg.ts, seqId);
    if (msg.checksum !== 0) {
      const mine = bookChecksum(book);
      if (mine !== msg.checksum) {
        this.book = null;
        return { kind: "resync", reason: "checksum", detail: `checksum ${msg.checksum} != ${mine} at seqId ${seqId}` };
      }
    }
    return { kind: "publish", book: bookView(book, Math.min(this.publishDepth, depth)) };
  }
}
