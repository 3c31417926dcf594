// The per-user stream cap: claims up to the cap, per user, given back on release, and a claimed
// seat whose stream never connected does not hold its place for ever.
import { expect, test } from "bun:test";
import { Seats } from "./seats.ts";

test("a user gets `max` seats; one more is refused until one is released; other users are not affected", () => {
  const seats = new Seats(2);
  const a = seats.claim("alice")!;
  const b = seats.claim("alice")!;
  a.attach();
  b.attach();
  expect(seats.claim("alice")).toBeUndefined();
  expect(seats.claim("bob")).toBeDefined();
  b.release();
  b.release(); // twice is once
  expect(seats.held("alice")).toBe(1);
  expect(seats.claim("alice")).toBeDefined();
  expect(seats.claim("alice")).toBeUndefined();
});

test("a seat claimed for a stream that never connected expires after 10 s; an attached one does not", () => {
  let now = 1_000_000;
  const seats = new Seats(2, () => now);
  seats.claim("alice")!.attach();
  seats.claim("alice"); // its stream never started
  expect(seats.claim("alice")).toBeUndefined();
  now += 10_001;
  const again = seats.claim("alice");
  expect(again).toBeDefined();
  again!.attach();
  now += 60_000;
  expect(seats.claim("alice")).toBeUndefined();
});

test("0 means no cap", () => {
  const seats = new Seats(0);
  for (let i = 0; i < 1000; i++) expect(seats.claim("alice")).toBeDefined();
});
