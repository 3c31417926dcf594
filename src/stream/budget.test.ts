// The WebSocket message budget: a burst, then the average rate.
import { expect, test } from "bun:test";
import { MessageBudget } from "./budget.ts";

test("a burst of `burst` messages, then `perS` a second", () => {
  const b = new MessageBudget(10, 5, 0);
  for (let i = 0; i < 5; i++) expect(b.take(0)).toBe(true);
  expect(b.take(0)).toBe(false);
  expect(b.take(50)).toBe(false); // half a message earned
  expect(b.take(100)).toBe(true); // one earned by 100 ms at 10/s
  expect(b.take(100)).toBe(false);
  // A long pause refills only up to the burst.
  let ok = 0;
  for (let i = 0; i < 20; i++) if (b.take(60_000)) ok++;
  expect(ok).toBe(5);
});
