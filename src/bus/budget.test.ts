// PublishBudget: a token bucket per publisher, with exact times.
import { expect, test } from "bun:test";
import { PublishBudget } from "./budget.ts";

test("a burst is allowed, then the rate; publishers have separate budgets", () => {
  const b = new PublishBudget({ bytesPerS: 1000, burstBytes: 4000 });
  expect(b.take("a", 3000, 0)).toBe(0);
  expect(b.take("a", 1000, 0)).toBe(0);
  expect(b.take("a", 500, 0)).toBe(500); // 500 bytes at 1000/s
  expect(b.take("b", 4000, 0)).toBe(0); // another publisher
  expect(b.take("a", 500, 400)).toBe(100); // 400 refilled, 100 short
  expect(b.take("a", 500, 500)).toBe(0);
  expect(b.take("a", 4001, 100_000)).toBe(Number.POSITIVE_INFINITY); // more than the bucket ever holds
  expect(b.take("a", 4000, 100_000)).toBe(0); // refused takes charged nothing
});

test("a refusal charges nothing; idle publishers are forgotten when the map is full", () => {
  const b = new PublishBudget({ bytesPerS: 100, burstBytes: 1000, maxPublishers: 2 });
  expect(b.take("a", 1000, 0)).toBe(0);
  expect(b.take("a", 100, 0)).toBe(1000);
  expect(b.take("a", 100, 1000)).toBe(0);
  expect(b.take("b", 10, 1000)).toBe(0);
  expect(b.take("c", 10, 60_000)).toBe(0); // a and b are full again: forgotten
  expect(b.take("a", 1000, 60_000)).toBe(0); // starts full
});
