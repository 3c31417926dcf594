// Resume is exactly once while two producers write: a Worker (like the OKX ingest Worker) and the
// main thread (POST /api/events) both advance the ring while clients resume by Last-Event-ID and
// are caught up. Every client must get every event after its id once, in order (issue 13 item 3:
// a nested catch-up for the same client wrote a block twice).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openSse, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
let worker: Worker;
const stop = new SharedArrayBuffer(4);
let workerDone: Promise<number>;
let mainPublishing = true;
let mainDone: Promise<void>;

beforeAll(async () => {
  // A window (and a catch-up cap) large enough that no resume below is reset.
  s = await startTestServer({
    BUS_CAPACITY: String(1 << 18),
    BUS_BYTES: String(64 << 20),
    CLIENT_MAX_PENDING_BYTES: String(64 << 20),
  });
  admin = await s.token();
  worker = new Worker(new URL("./fixtures/steady-worker.ts", import.meta.url).href);
  workerDone = new Promise((resolve) => (worker.onmessage = (e) => resolve(Number(e.data))));
  worker.postMessage({ handle: s.producer.handle, stop, tag: "w" });
  mainDone = (async () => {
    for (let i = 0; mainPublishing; i++) {
      await publish(s.url, admin, { type: "trade", channel: "trades:m", data: { n: i } });
    }
  })();
  // Both producers running before the first resume.
  const start = s.hub.head();
  while (s.hub.head() < start + 500) await Bun.sleep(5);
});

afterAll(async () => {
  Atomics.store(new Int32Array(stop), 0, 1);
  mainPublishing = false;
  await Promise.all([workerDone, mainDone]);
  worker.terminate();
  await s.close();
});

const seqOf = (id: string) => Number(id.slice(id.indexOf("-") + 1));

/** What went wrong with one resume, or null: ids must be after+1, after+2, ... (every event matches). */
function check(after: number, ids: number[]): string | null {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== after + 1 + i) {
      const dup = ids.find((x, j) => ids.indexOf(x) !== j);
      return `after ${after}: event ${i} is ${ids[i]}, expected ${after + 1 + i}${dup !== undefined ? ` (duplicate ${dup})` : ""}`;
    }
  }
  return null;
}

/** One SSE resume: from `back` events behind the head until `more` live events past it. */
async function sseResume(back: number, more: number): Promise<string | null> {
  const head = s.hub.head();
  const after = head - back;
  const sse = await openSse(`${s.url}/api/events/stream?channels=trades:*&lastEventId=${s.hub.idOf(after)}`, {
    Authorization: `Bearer ${admin}`,
  });
  try {
    const first = await sse.next();
    if (first.event !== "connected") return `first frame ${first.event}`;
    const ids: number[] = [];
    while (ids.length < back + more) {
      const ev = await sse.nextEvent();
      if (ev.event === "reset") return `reset: ${ev.data}`;
      ids.push(seqOf(ev.id!));
    }
    return check(after, ids);
  } finally {
    sse.close();
  }
}

/** One WebSocket resume, the same way. */
async function wsResume(back: number, more: number): Promise<string | null> {
  const after = s.hub.head() - back;
  const url = `${s.url.replace("http", "ws")}/api/events/ws?channels=trades:*&lastEventId=${s.hub.idOf(after)}`;
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${admin}` } } as unknown as string[]);
  const ids: number[] = [];
  let problem: string | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("WebSocket resume timed out")), 10_000);
      ws.onerror = () => reject(new Error("WebSocket error"));
      ws.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as { type: string; id?: string };
        if (m.type === "reset") problem = `reset: ${String(e.data)}`;
        else if (m.id) ids.push(seqOf(m.id));
        if (problem || ids.length >= back + more) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  } finally {
    ws.close();
  }
  return problem ?? check(after, ids.slice(0, back + more));
}

/** Runs `n` resumes, `parallel` at a time; returns the failures. */
async function many(n: number, parallel: number, one: (back: number, more: number) => Promise<string | null>) {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        const f = await one(1 + Math.floor(Math.random() * 200), 20);
        if (f) failures.push(f);
      }
    }),
  );
  return failures;
}

test("SSE: 600 rapid resumes while a Worker and the main thread publish: every missed event once, in order", async () => {
  const failures = await many(600, 6, sseResume);
  expect(failures).toEqual([]);
}, 120_000);

test("WebSocket: 600 rapid resumes while a Worker and the main thread publish: every missed event once, in order", async () => {
  const failures = await many(600, 6, wsResume);
  expect(failures).toEqual([]);
}, 120_000);

test("both producers were publishing throughout", async () => {
  const before = s.hub.head();
  const end = Date.now() + 5_000; // a loaded machine may not schedule the producers for a while
  while (s.hub.head() <= before && Date.now() < end) await Bun.sleep(10);
  expect(s.hub.head()).toBeGreaterThan(before);
  Atomics.store(new Int32Array(stop), 0, 1);
  mainPublishing = false;
  const [fromWorker] = await Promise.all([workerDone, mainDone]);
  expect(fromWorker).toBeGreaterThan(1000);
  expect(s.hub.head() - fromWorker).toBeGreaterThan(100); // the main thread's share
});
