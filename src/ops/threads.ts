// Thread priorities (Linux, through /proc/self/task and setpriority on a thread id): the two
// threads the latency lives on, the main thread (HTTP, the hub's fan-out) and the OKX ingest
// Worker, must get their core the moment they wake.
//
// - The runtime's helper threads, JavaScriptCore's JIT compilers ("JITWorker") and garbage-
//   collector threads and mimalloc's scavenger (hands freed pages back to the OS), run at the
//   same priority by default, and the kernel lets a running thread use up its slice before a
//   woken one gets the core: traced with sched_switch on one core (bench:okx), the main thread
//   waited up to 4.5 ms behind a JIT compile and 1.6 ms behind the scavenger, with an event in
//   hand. At nice 19 (BACKGROUND_THREAD_NICE) they still run whenever the core has time (and
//   ~1.5% of it when it has none), and a woken hot thread is picked before them; but one that is
//   already running may keep the core for its slice: a later trace of the order bench caught the
//   scavenger at nice 19 holding it 1.5-3 ms, so its sweeps are also paced (runtime-env.ts).
// - The embedded ClickHouse engine's pools (merges, parsing, queries) are lowered by its Worker
//   (store/clickhouse/worker.ts) with the same function.
//
// Threads appear later (GC helpers start with the first parallel collection, engine pools on
// demand), so callers repeat the scan; each thread is set once.

import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";
import type { Logger } from "../log.ts";

/** Threads of Bun/JavaScriptCore and of Workers, by name (comm: 15 bytes at most). */
export const RUNTIME_THREAD = /^(bun|Worker|JITWorker|JSCWarmUp|HeapHelper|mi-scavenger|HTTP Client)$/;
/** The runtime's helpers among them: JIT compilers, GC threads, mimalloc's scavenger. */
export const BACKGROUND_THREAD = /^(JITWorker|HeapHelper|mi-scavenger|JSCWarmUp)$|ollector Thread$/;

export interface ThreadInfo {
  tid: number;
  comm: string;
  nice: number;
}

/** This process's threads with their names and nice values (empty where /proc is missing). */
export function threadsOfSelf(): ThreadInfo[] {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return [];
  }
  const out: ThreadInfo[] = [];
  for (const t of tids) {
    const info = threadInfo(Number(t));
    if (info) out.push(info);
  }
  return out;
}

function threadInfo(tid: number): ThreadInfo | null {
  try {
    const s = readFileSync(`/proc/self/task/${tid}/stat`, "latin1");
    const close = s.lastIndexOf(")"); // the name may hold spaces and parentheses
    return { tid, comm: s.slice(s.indexOf("(") + 1, close), nice: Number(s.slice(close + 2).split(" ")[16]) }; // field 19: nice
  } catch {
    return null; // the thread ended meanwhile
  }
}

/** A thread's nice value from /proc (NaN when it is gone). */
export function threadNice(tid: number): number {
  return threadInfo(tid)?.nice ?? Number.NaN;
}

/**
 * Sets every thread `pick` selects to `nice`, once per thread: `done` keeps the ones handled
 * (ids of threads that ended are dropped, Linux reuses them). Never the main thread; never a
 * thread whose nice is negative (its owner chose it) or already `nice` or more.
 * @returns how many threads it changed
 * @example const done = new Set<number>(); reniceThreads(10, done, (comm) => !RUNTIME_THREAD.test(comm));
 */
export function reniceThreads(nice: number, done: Set<number>, pick: (comm: string) => boolean): number {
  const live = threadsOfSelf();
  if (done.size > 0) {
    const ids = new Set(live.map((t) => t.tid));
    for (const tid of done) if (!ids.has(tid)) done.delete(tid);
  }
  let changed = 0;
  for (const t of live) {
    if (done.has(t.tid) || t.tid === process.pid || !pick(t.comm)) continue;
    done.add(t.tid);
    if (t.nice < 0 || t.nice >= nice) continue;
    try {
      setPriority(t.tid, nice);
      changed++;
    } catch {
      // ended meanwhile
    }
  }
  return changed;
}

export type BackgroundThreads = {
  /** Helper threads alive and handled so far. */
  lowered(): number;
  stop(): void;
};

/**
 * Sets the runtime's helper threads to `nice` now and every `everyMs` for threads started
 * since; the main thread, Workers and Bun's I/O pool keep theirs. 0 turns it off.
 */
export function lowerBackgroundThreads(nice: number, log: Logger, everyMs = 2000): BackgroundThreads {
  const done = new Set<number>();
  if (nice <= 0 || process.platform !== "linux") return { lowered: () => 0, stop: () => {} };
  const pass = () => reniceThreads(nice, done, (comm) => BACKGROUND_THREAD.test(comm));
  log.debug("runtime helper threads lowered", { nice, threads: pass() });
  const timer = setInterval(pass, everyMs);
  timer.unref?.();
  return { lowered: () => done.size, stop: () => clearInterval(timer) };
}
