import { describe, expect, test } from "bun:test";
import { createLogger } from "../../log.ts";
import { HELPER_THREAD, lowerHelperThreads, threadNice, threadsOfSelf } from "./threads.ts";

const log = createLogger("silent");

describe("helper thread priority", () => {
  test("the runtime's helper threads go to the given nice; the main thread and Workers keep theirs", async () => {
    // A Worker of our own (named "Worker" by Bun) that tells its thread id, and enough work for
    // the JIT to start compiling. (Other Workers of this process, e.g. a recorder left by another
    // test file, may have lowered themselves on purpose: only ours is checked.)
    const src = `self.onmessage = async () => { const fs = await import("node:fs"); postMessage(Number(fs.readFileSync("/proc/thread-self/stat", "latin1").split(" ")[0])); }`;
    const worker = new Worker(URL.createObjectURL(new Blob([src])));
    const workerTid = await new Promise<number>((resolve) => {
      worker.onmessage = (e: MessageEvent<number>) => resolve(e.data);
      worker.postMessage(1);
    });
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i) % 3;
    expect(x).toBeGreaterThan(0);

    const before = threadsOfSelf();
    const helpers = before.filter((t) => t.tid !== process.pid && HELPER_THREAD.test(t.comm));
    // A Bun process always has the mimalloc scavenger and JIT threads by now.
    expect(helpers.length).toBeGreaterThan(0);
    const mainNice = threadNice(process.pid);
    const workers = before.filter((t) => t.tid === workerTid);
    expect(workers.map((t) => t.comm)).toEqual(["Worker"]);

    const bg = lowerHelperThreads(19, log, 60_000);
    try {
      expect(bg.lowered()).toBe(helpers.length);
      for (const t of helpers)
        if (!Number.isNaN(threadNice(t.tid))) expect(`${t.comm} ${threadNice(t.tid)}`).toBe(`${t.comm} 19`);
      expect(threadNice(process.pid)).toBe(mainNice);
      for (const w of workers) expect(threadNice(w.tid)).toBe(mainNice);
    } finally {
      bg.stop();
      worker.terminate();
    }
  });

  test("0 leaves every thread as it is", () => {
    const bg = lowerHelperThreads(0, log);
    expect(bg.lowered()).toBe(0);
    bg.stop();
  });
});
