import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";

test("doubles per attempt, jitters within the upper half, and stops at the cap", () => {
  expect(backoffDelay(0, 250, 30_000, () => 0)).toBe(125);
  expect(backoffDelay(0, 250, 30_000, () => 1)).toBe(250);
  expect(backoffDelay(3, 250, 30_000, () => 0)).toBe(1000);
  expect(backoffDelay(3, 250, 30_000, () => 1)).toBe(2000);
  expect(backoffDelay(20, 250, 30_000, () => 1)).toBe(30_000);
  expect(backoffDelay(1000, 250, 30_000, () => 0)).toBe(15_000);
});

test("the default jitter spreads retries out", () => {
  const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(10, 50, 2_000)));
  expect(samples.size).toBeGreaterThan(1);
  for (const d of samples) expect(d >= 1_000 && d <= 2_000).toBe(true);
});
