import { expect, test } from "bun:test";
import { push } from "../../../tests/fixtures/okx/push.ts";
import snapshot from "../../../tests/fixtures/okx/ws_books_snapshot.json";
import update from "../../../tests/fixtures/okx/ws_books_update.json";
import gap from "../../../tests/fixtures/okx/ws_books_update_gap.json";
import books5 from "../../../tests/fixtures/okx/ws_books5.json";
import { BookSync } from "./book-sync.ts";
import { type BookMsg, parseBookMsg } from "./parse-market.ts";

const msg = (j: unknown): BookMsg => {
  const f = push(j);
  return parseBookMsg(f.data[0], f.arg, f.action);
};

test("snapshot then update, both checksummed: publishes the exact book", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  expect(s.onMessage(msg(update))).toEqual({ kind: "skip", reason: "awaiting_snapshot" });
  expect(s.onMessage(msg(snapshot))).toEqual({
    kind: "publish",
    book: {
      instId: "ETH-USDT",
      asks: [
        ["3366.8", "9", 3],
        ["3368", "8", 1],
      ],
      bids: [
        ["3366.1", "7", 2],
        ["3366", "6", 5],
      ],
      ts: 1704067200123,
      seqId: 123456,
      depth: 25,
    },
  });
  expect(s.onMessage(msg(update))).toEqual({
    kind: "publish",
    book: {
      instId: "ETH-USDT",
      asks: [
        ["3366.8", "9", 3],
        ["3368", "8", 1],
        ["3372", "8", 2],
      ],
      bids: [["3366.1", "7", 2]],
      ts: 1704067200223,
      seqId: 123470,
      depth: 25,
    },
  });
});

test("a prevSeqId that does not chain is a gap: resync, and nothing published until a new snapshot", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  s.onMessage(msg(snapshot));
  s.onMessage(msg(update));
  expect(s.onMessage(msg(gap))).toMatchObject({ kind: "resync", reason: "gap" });
  expect(s.inSync).toBe(false);
  expect(s.onMessage(msg(update)).kind).toBe("skip");
  expect(s.onMessage(msg(snapshot)).kind).toBe("publish");
  expect(s.inSync).toBe(true);
});

test("a checksum mismatch (when the checksum is not 0) is a resync; 0 is not checked", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  s.onMessage(msg(snapshot));
  const bad = structuredClone(update);
  bad.data[0]!.checksum = 12345;
  expect(s.onMessage(msg(bad))).toMatchObject({ kind: "resync", reason: "checksum" });

  s.onMessage(msg(snapshot));
  const zero = structuredClone(update);
  zero.data[0]!.checksum = 0;
  zero.data[0]!.asks = [["3999", "1", "0", "1"]];
  expect(s.onMessage(msg(zero)).kind).toBe("publish");
});

test("a snapshot whose own checksum is wrong is refused", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  const bad = structuredClone(snapshot);
  bad.data[0]!.checksum = 1;
  expect(s.onMessage(msg(bad))).toMatchObject({ kind: "resync", reason: "checksum" });
  expect(s.inSync).toBe(false);
});

test("heartbeat updates (seqId == prevSeqId, empty) are skipped; a seqId reset starts a new chain", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  s.onMessage(msg(snapshot));
  const hb = structuredClone(update);
  Object.assign(hb.data[0]!, { asks: [], bids: [], checksum: 0, prevSeqId: 123456, seqId: 123456 });
  expect(s.onMessage(msg(hb))).toEqual({ kind: "skip", reason: "heartbeat" });
  const reset = structuredClone(update);
  Object.assign(reset.data[0]!, { checksum: 0, prevSeqId: 999999, seqId: 10 });
  expect(s.onMessage(msg(reset))).toMatchObject({ kind: "publish", book: { seqId: 10 } });
  const next = structuredClone(update);
  Object.assign(next.data[0]!, { asks: [], bids: [["3360", "1", "0", "1"]], checksum: 0, prevSeqId: 10, seqId: 12 });
  expect(s.onMessage(msg(next))).toMatchObject({ kind: "publish", book: { seqId: 12 } });
});

test("books5: every push is a full 5-level snapshot", () => {
  const s = new BookSync("BTC-USDT", "books5", 25);
  expect(s.onMessage(msg(books5))).toMatchObject({
    kind: "publish",
    book: {
      instId: "BTC-USDT",
      depth: 5,
      seqId: 123471,
      asks: [
        ["43000.2", "1.5", 3],
        ["43000.5", "2", 1],
      ],
    },
  });
});

test("invalidate() (connection lost) makes the book wait for a snapshot", () => {
  const s = new BookSync("ETH-USDT", "books", 25);
  s.onMessage(msg(snapshot));
  s.invalidate();
  expect(s.onMessage(msg(update)).kind).toBe("skip");
});
