import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";

const o = { baseMs: 500, maxMs: 20_000 };

test("full jitter: from the floor up to floor + min(max, base·2^n)", () => {
  expect(backoffDelay(0, 0, { ...o, random: () => 0 })).toBe(0);
  expect(backoffDelay(0, 0, { ...o, random: () => 0.999999 })).toBeCloseTo(500, 2);
  expect(backoffDelay(3, 0, { ...o, random: () => 0.999999 })).toBeCloseTo(4000, 1);
  expect(backoffDelay(50, 0, { ...o, random: () => 0.999999 })).toBeCloseTo(20_000, 0);
  expect(backoffDelay(2, 2000, { ...o, random: () => 0 })).toBe(2000);
  expect(backoffDelay(2, 2000, { ...o, random: () => 0.5 })).toBe(3000);
});

test("random delays stay inside their bounds and spread out", () => {
  for (let n = 0; n < 12; n++) {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(n, 100, o);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThan(100 + Math.min(20_000, 500 * 2 ** n));
      seen.add(Math.round(d));
    }
    expect(seen.size).toBeGreaterThan(50);
  }
});
