import { expect, test } from "bun:test";
import { OrderPacer, RATE_WINDOW_MS } from "./pacer.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("orders within the limit go at once; the rest wait their turn, in order, never more than the limit in a window", async () => {
  const pacer = new OrderPacer(5);
  const sent: Array<{ n: number; at: number }> = [];
  const t0 = performance.now();
  for (let n = 0; n < 12; n++) expect(pacer.submit(() => sent.push({ n, at: performance.now() - t0 }))).toBe(true);
  expect(sent.map((s) => s.n)).toEqual([0, 1, 2, 3, 4]);
  expect(pacer.waiting).toBe(7);
  while (sent.length < 12) await sleep(50);
  expect(sent.map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  for (let i = 0; i + 5 < sent.length; i++)
    expect(sent[i + 5]!.at - sent[i]!.at).toBeGreaterThanOrEqual(RATE_WINDOW_MS);
  expect(sent[11]!.at).toBeLessThan(2 * RATE_WINDOW_MS + 500); // the third window, not later
  expect(pacer.waiting).toBe(0);
});

test("a raised limit lets waiting orders go at once; a full queue refuses; clear drops what waits", async () => {
  const pacer = new OrderPacer(1);
  const sent: number[] = [];
  for (let n = 0; n < 4; n++) pacer.submit(() => sent.push(n));
  expect(sent).toEqual([0]);
  pacer.setMax(3);
  expect(sent).toEqual([0, 1, 2]);
  expect(pacer.waiting).toBe(1);

  const full = new OrderPacer(1);
  expect(full.submit(() => {})).toBe(true);
  for (let i = 0; i < full.capacity; i++) expect(full.submit(() => sent.push(-1))).toBe(true);
  expect(full.submit(() => sent.push(-2))).toBe(false);
  expect(full.clear()).toBe(full.capacity);
  expect(pacer.clear()).toBe(1);
  await sleep(RATE_WINDOW_MS + 100);
  expect(sent).toEqual([0, 1, 2]); // nothing cleared went out later
});
