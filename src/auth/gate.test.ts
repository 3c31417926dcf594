// The gate in front of password verification: its bounds hold, the queue is served in order,
// and a place is given back exactly once.
import { expect, test } from "bun:test";
import { Gate } from "./gate.ts";

test("at most `concurrency` run, at most `queueMax` wait, the rest are turned away", async () => {
  const g = new Gate(2, 3);
  const order: number[] = [];
  const entered = Array.from({ length: 7 }, () => g.enter());
  expect(entered.map((e) => e !== undefined)).toEqual([true, true, true, true, true, false, false]);
  expect(g.stats()).toEqual({ running: 2, queued: 3, peakRunning: 2, peakQueued: 3, rejected: 2 });

  const leaves = await Promise.all(entered.slice(0, 2).map((e) => e!));
  const queued = entered.slice(2, 5).map((e, i) =>
    e!.then((leave) => {
      order.push(i);
      return leave;
    }),
  );
  leaves[0]!();
  leaves[0]!(); // twice: still one place back
  const first = await queued[0]!;
  expect(g.stats()).toMatchObject({ running: 2, queued: 2 });
  leaves[1]!();
  first();
  const rest = await Promise.all(queued.slice(1));
  expect(order).toEqual([0, 1, 2]);
  expect(g.stats()).toMatchObject({ running: 2, queued: 0 });
  for (const leave of rest) leave();
  expect(g.stats()).toMatchObject({ running: 0, queued: 0, peakRunning: 2, peakQueued: 3, rejected: 2 });
  expect(g.enter()).toBeDefined();
});

test("a gate needs room for at least one", () => {
  expect(() => new Gate(0, 5)).toThrow(RangeError);
});
