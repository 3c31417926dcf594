// Reconnect pacing: quick first retries, then capped, and spread out so instances do not retry in step.
import { expect, test } from "bun:test";
import { backoffMs } from "./connection.ts";

test("backoff doubles from 50 ms up to the cap, with jitter in the upper half", () => {
  for (let i = 0; i < 50; i++) {
    const first = backoffMs(1, 2_000);
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThanOrEqual(100);
    const late = backoffMs(30, 2_000);
    expect(late).toBeGreaterThanOrEqual(1_000);
    expect(late).toBeLessThanOrEqual(2_000);
  }
  const samples = new Set(Array.from({ length: 20 }, () => backoffMs(10, 2_000)));
  expect(samples.size).toBeGreaterThan(1);
});
