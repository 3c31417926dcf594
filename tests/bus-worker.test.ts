// The producer runs in a Worker (as the OKX ingest thread will); main-thread readers must
// get every event once, in order, while the burst is running.
import { expect, test } from "bun:test";
import { createRing, eventJson, RingProducer, RingReader } from "../src/bus/ring.ts";

async function drain(reader: RingReader, until: number, seen: number[][]): Promise<boolean> {
  let cursor = 0;
  let overrun = false;
  while (cursor < until) {
    await reader.wait(200);
    const got = reader.read(cursor, 1 << 20);
    overrun ||= got.overrun;
    for (const ev of got.events) seen.push([ev.seq, JSON.parse(eventJson(ev)).data.n]);
    cursor = got.last;
  }
  return overrun;
}

function runWorker(handle: { sab: SharedArrayBuffer }, count: number, tag: string): Promise<void> {
  const w = new Worker(new URL("./fixtures/burst-worker.ts", import.meta.url).href);
  return new Promise((resolve, reject) => {
    w.onmessage = () => {
      w.terminate();
      resolve();
    };
    w.onerror = (e) => reject(e);
    w.postMessage({ handle, count, tag });
  });
}

test("a Worker publishes a burst; two main-thread readers get every event once, in order", async () => {
  const N = 50_000;
  const handle = createRing({ capacity: 1 << 16, bytes: 16 << 20 });
  const a: number[][] = [];
  const b: number[][] = [];
  const readers = [drain(new RingReader(handle), N, a), drain(new RingReader(handle), N, b)];
  await runWorker(handle, N, "w");
  const overruns = await Promise.all(readers);
  expect(overruns).toEqual([false, false]);
  for (const seen of [a, b]) {
    expect(seen.length).toBe(N);
    for (let i = 0; i < N; i++) {
      if (seen[i]![0] !== i + 1 || seen[i]![1] !== i) throw new Error(`event ${i} out of order: ${seen[i]}`);
    }
  }
});

test("the Worker and the main thread publish at once: one sequence, no gaps, no duplicates", async () => {
  const N = 20_000;
  const handle = createRing({ capacity: 1 << 16, bytes: 16 << 20 });
  const reader = new RingReader(handle);
  const mainProducer = new RingProducer(handle);
  const worker = runWorker(handle, N, "w");
  for (let i = 0; i < N; i++) {
    mainProducer.publish({ type: "trade", channel: "trades:m", dataJson: `{"n":${i},"tag":"m"}` });
    if (i % 1000 === 0) await Bun.sleep(0);
  }
  await worker;
  const got = reader.read(0, 1 << 20);
  expect(got.overrun).toBe(false);
  expect(got.events.length).toBe(2 * N);
  const byTag: Record<string, number[]> = { w: [], m: [] };
  got.events.forEach((ev, i) => {
    expect(ev.seq).toBe(i + 1);
    const j = JSON.parse(eventJson(ev));
    byTag[j.data.tag]!.push(j.data.n);
  });
  // Each producer's own events keep their order.
  for (const tag of ["w", "m"]) expect(byTag[tag]).toEqual(Array.from({ length: N }, (_, i) => i));
});

test("a reader that sleeps through a burst bigger than the ring is told it was overrun", async () => {
  const handle = createRing({ capacity: 1024, bytes: 1 << 20 });
  const reader = new RingReader(handle);
  await runWorker(handle, 5000, "x");
  const got = reader.read(0, 1 << 20);
  expect(got.overrun).toBe(true);
  expect(got.events[0]!.seq).toBe(reader.tail());
  expect(got.events.at(-1)!.seq).toBe(5000);
});
