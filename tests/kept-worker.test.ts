// keepWorker (src/ops/kept-worker.ts): a Worker that dies is started again with backoff, what a
// dead one says is dropped, and a stop ends it whether or not it answers.
import { expect, test } from "bun:test";
import { keepWorker } from "../src/ops/kept-worker.ts";

const URL_ = new URL("./fixtures/kept-worker.ts", import.meta.url).href;
type Out = { t: string; start?: number };

function kept() {
  const got: Out[] = [];
  const deaths: Array<{ error: string; start: number; inMs: number; restarts: number }> = [];
  const waiters: Array<() => void> = [];
  const w = keepWorker<Out>({
    url: URL_,
    name: "the test worker",
    init: (start) => ({ t: "init", start }),
    onMessage: (m) => {
      got.push(m);
      for (const f of waiters.splice(0)) f();
    },
    onDeath: (error, d) => deaths.push({ error, ...d }),
    isStopped: (m) => m.t === "stopped",
  });
  const next = async (pred: (m: Out) => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!got.some(pred)) {
      if (Date.now() > end) throw new Error(`no such message within ${ms} ms: ${JSON.stringify(got)}`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), Bun.sleep(50)]);
    }
    return got.find(pred)!;
  };
  return { w, got, deaths, next };
}

test("a Worker that throws or exits is started again, counting its starts; restarts wait a backoff", async () => {
  const k = kept();
  await k.next((m) => m.t === "hello" && m.start === 1);
  expect(k.w.post({ t: "crash" })).toBe(true);
  await k.next((m) => m.t === "hello" && m.start === 2);
  expect(k.deaths).toHaveLength(1);
  expect(k.deaths[0]).toMatchObject({ start: 1, restarts: 1 });
  expect(k.deaths[0]!.error).toContain("told to crash");
  expect(k.deaths[0]!.inMs).toBeGreaterThanOrEqual(500);
  expect(k.deaths[0]!.inMs).toBeLessThanOrEqual(1_000);

  k.w.post({ t: "exit" });
  while (k.deaths.length < 2) await Bun.sleep(10);
  expect(k.w.restarting).toBe(true);
  expect(k.w.post({ t: "echo" })).toBe(false); // nobody to hand it to while the restart waits
  expect(k.deaths[1]).toMatchObject({ error: "the test worker exited", start: 2, restarts: 2 });
  expect(k.deaths[1]!.inMs).toBeGreaterThanOrEqual(1_000); // the second death waits longer
  await k.next((m) => m.t === "hello" && m.start === 3);
  expect(k.w.restarting).toBe(false);

  k.w.healthy(); // the next death starts the backoff over
  k.w.post({ t: "crash" });
  while (k.deaths.length < 3) await Bun.sleep(10);
  expect(k.deaths[2]!.inMs).toBeLessThanOrEqual(1_000);
  await k.next((m) => m.t === "hello" && m.start === 4);
  await k.w.stop({ t: "stop", answer: true });
}, 15_000);

test("stop: an answering Worker ends at once; a silent one after 2 s; no restart after either", async () => {
  const a = kept();
  await a.next((m) => m.t === "hello");
  let t = performance.now();
  await a.w.stop({ t: "stop", answer: true });
  expect(performance.now() - t).toBeLessThan(1_900);
  expect(a.got.some((m) => m.t === "stopped")).toBe(false); // the stop answer is not a message for the owner

  const b = kept();
  await b.next((m) => m.t === "hello");
  t = performance.now();
  await b.w.stop({ t: "stop", answer: false });
  expect(performance.now() - t).toBeGreaterThanOrEqual(1_900);
  await Bun.sleep(1_200);
  expect([...a.deaths, ...b.deaths]).toEqual([]);
  expect(b.w.post({ t: "echo" })).toBe(false);
}, 15_000);
