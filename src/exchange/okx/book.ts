// The local order book of one instrument: apply an OKX snapshot or update (size "0" deletes,
// any other size replaces), truncate to the channel depth, and the OKX checksum (OKX.md §4.2).
// No I/O; applyBookUpdate mutates the book it is given.
import type { Book, Level } from "../../domain/events.ts";
import type { RawLevel } from "./parse-market.ts";

/** One price level, price strings kept exactly as OKX sent them. */
interface Lvl {
  p: number;
  px: string;
  sz: string;
  n: string;
}

export interface LocalBook {
  instId: string;
  /** Descending by price. */
  bids: Lvl[];
  /** Ascending by price. */
  asks: Lvl[];
  ts: number;
  seqId: number;
  /** Levels kept per side (400 for `books`). */
  depth: number;
}

const toLvl = (l: RawLevel): Lvl => ({ p: Number(l[0]), px: l[0], sz: l[1], n: l[2] });

export function bookFromSnapshot(
  instId: string,
  asks: RawLevel[],
  bids: RawLevel[],
  ts: number,
  seqId: number,
  depth: number,
): LocalBook {
  const a = asks
    .filter((l) => Number(l[1]) !== 0)
    .map(toLvl)
    .sort((x, y) => x.p - y.p);
  const b = bids
    .filter((l) => Number(l[1]) !== 0)
    .map(toLvl)
    .sort((x, y) => y.p - x.p);
  return { instId, asks: a.slice(0, depth), bids: b.slice(0, depth), ts, seqId, depth };
}

/** Finds the index of price p in a side sorted by `dir` (1 ascending, -1 descending), or where it goes. */
function locate(side: Lvl[], p: number, dir: 1 | -1): { i: number; found: boolean } {
  let lo = 0;
  let hi = side.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const q = side[mid]!.p;
    if (q === p) return { i: mid, found: true };
    if ((q - p) * dir < 0) lo = mid + 1;
    else hi = mid;
  }
  return { i: lo, found: false };
}

function applySide(side: Lvl[], changes: RawLevel[], dir: 1 | -1, depth: number): void {
  for (const c of changes) {
    const l = toLvl(c);
    const { i, found } = locate(side, l.p, dir);
    if (Number(l.sz) === 0) {
      if (found) side.splice(i, 1);
    } else if (found) {
      side[i] = l;
    } else {
      side.splice(i, 0, l);
    }
  }
  if (side.length > depth) side.length = depth;
}

/** Applies an update in place and moves the book to `seqId`. */
export function applyBookUpdate(book: LocalBook, asks: RawLevel[], bids: RawLevel[], ts: number, seqId: number): void {
  applySide(book.asks, asks, 1, book.depth);
  applySide(book.bids, bids, -1, book.depth);
  book.ts = ts;
  book.seqId = seqId;
}

/** The string OKX checksums: best 25 bids and asks interleaved as `px:sz`, joined by ":". */
export function checksumString(book: Pick<LocalBook, "bids" | "asks">): string {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = book.bids[i];
    const a = book.asks[i];
    if (b) parts.push(`${b.px}:${b.sz}`);
    if (a) parts.push(`${a.px}:${a.sz}`);
  }
  return parts.join(":");
}

/** CRC32 (IEEE) of the checksum string, as a signed 32-bit integer like OKX sends it. */
export function bookChecksum(book: Pick<LocalBook, "bids" | "asks">): number {
  return Bun.hash.crc32(checksumString(book)) | 0;
}

/** The normalized `book` event value: the best `levels` per side. */
export function bookView(book: LocalBook, levels: number): Book {
  const conv = (l: Lvl): Level => [l.px, l.sz, Number(l.n) || 0];
  return {
    instId: book.instId,
    bids: book.bids.slice(0, levels).map(conv),
    asks: book.asks.slice(0, levels).map(conv),
    ts: book.ts,
    seqId: book.seqId,
    depth: levels,
  };
}
