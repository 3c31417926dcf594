import { afterAll, expect, test } from "bun:test";
import { onNextFrame, setFrameGap } from "./frame.ts";

afterAll(() => setFrameGap(100));

test("a flush with a gap of its own runs in every third update, after the stores, never alone", async () => {
  setFrameGap(20);
  const runs: Array<{ who: "store" | "list"; at: number; withStore?: boolean }> = [];
  let stop = false;
  // Set while an update that ran the store is under way (cleared when its task's script ends).
  let inStoreUpdate = false;
  // Steady data: the store is asked for in every update, the list after each of its own runs.
  const store = () => {
    runs.push({ who: "store", at: performance.now() });
    inStoreUpdate = true;
    queueMicrotask(() => {
      inStoreUpdate = false;
    });
    if (!stop) onNextFrame(store);
  };
  const list = () => {
    runs.push({ who: "list", at: performance.now(), withStore: inStoreUpdate });
    if (!stop) onNextFrame(list, 60);
  };
  onNextFrame(store);
  onNextFrame(list, 60);
  await Bun.sleep(620);
  stop = true;
  const stopAt = performance.now();
  await Bun.sleep(100);

  const stores = runs.filter((r) => r.who === "store");
  const lists = runs.filter((r) => r.who === "list");
  expect(stores.length).toBeGreaterThan(15);
  // Every 60 ms in updates 20 ms apart: about a third as often as the store, never more.
  expect(lists.length).toBeGreaterThan(3);
  expect(lists.length).toBeLessThanOrEqual(Math.ceil(stores.length / 3) + 1);
  for (let i = 1; i < lists.length; i++) expect(lists[i]!.at - lists[i - 1]!.at).toBeGreaterThanOrEqual(49);
  // Each list run is in an update the store ran in, right after it: no update of its own.
  // (The first ran at once; one queued before the stop may run alone after it.)
  for (const l of lists.slice(1).filter((r) => r.at < stopAt)) {
    expect(runs[runs.indexOf(l) - 1]?.who).toBe("store");
    expect(l.withStore).toBe(true);
  }
});

test("a flush with a gap of its own runs at once the first time", async () => {
  setFrameGap(20);
  let ran = 0;
  const first = () => ran++;
  onNextFrame(first, 10_000);
  await Bun.sleep(60);
  expect(ran).toBe(1);
});
