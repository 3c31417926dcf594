import { describe, expect, test } from "bun:test";
import { policyOfThisThread } from "./thread-priority.ts";

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
