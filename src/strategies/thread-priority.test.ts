import { describe, expect, test } from "bun:test";
import { policyOfThisThread, stallOf, thisThreadId, threadSchedMs } from "./thread-priority.ts";

// Run in a Worker of its own: the test runner's thread keeps its priority.
function inWorker(o: { idle: boolean; nice: number }): Promise<{ got: string; policy: number | null; nice: number }> {
  const src = `
    import { lowerThisThread, policyOfThisThread } from ${JSON.stringify(new URL("./thread-priority.ts", import.meta.url).href)};
    import { getPriority } from "node:os";
    self.onmessage = (e) => {
      const got = lowerThisThread(e.data);
      self.postMessage({ got, policy: policyOfThisThread(), nice: getPriority(0) });
    };`;
  const url = URL.createObjectURL(new Blob([src], { type: "application/typescript" }));
  const w = new Worker(url);
  return new Promise((resolve) => {
    w.onmessage = (e) => {
      w.terminate();
      resolve(e.data);
    };
    w.postMessage(o);
  });
}

describe.if(process.platform === "linux")("lowerThisThread", () => {
  test("idle: the calling thread runs under SCHED_IDLE", async () => {
    const r = await inWorker({ idle: true, nice: 10 });
    expect(r).toMatchObject({ got: "idle", policy: 5 });
  });

  test("not idle: the calling thread gets the nice value, policy unchanged", async () => {
    const r = await inWorker({ idle: false, nice: 7 });
    expect(r).toEqual({ got: "nice", policy: 0, nice: 7 });
  });

  test("neither: left alone", async () => {
    const r = await inWorker({ idle: false, nice: 0 });
    expect(r).toEqual({ got: "default", policy: 0, nice: 0 });
  });

  test("the test's own thread is untouched", () => {
    expect(policyOfThisThread()).toBe(0);
  });
});

describe("the watchdog's verdict on a silent Worker", () => {
  test("silent no longer than the limit: nothing yet", () => {
    expect(stallOf(10_000, 0, 10_000)).toBeNull();
  });
  test("silent while it waited for a core most of the time: starved, not stuck", () => {
    expect(stallOf(12_000, 11_000, 10_000)).toBe("starved");
  });
  test("silent while it ran or slept: stuck", () => {
    expect(stallOf(12_000, 200, 10_000)).toBe("stuck");
    expect(stallOf(12_000, 6_000, 10_000)).toBe("stuck"); // waited only half the time
  });
  test("its scheduling figures unknown: silence is stuck", () => {
    expect(stallOf(12_000, null, 10_000)).toBe("stuck");
  });
});

describe.if(process.platform === "linux")("a thread's scheduling figures", () => {
  test("this thread's id and how long it ran, growing as it works", () => {
    const tid = thisThreadId();
    expect(tid).toBe(process.pid); // the test runner's main thread
    const a = threadSchedMs(tid!)!;
    let x = 0;
    for (let i = 0; i < 5e6; i++) x += i % 7;
    const b = threadSchedMs(tid!)!;
    expect(x).toBeGreaterThan(0);
    expect(b.ranMs).toBeGreaterThan(a.ranMs);
    expect(b.waitedMs).toBeGreaterThanOrEqual(a.waitedMs);
  });
});
