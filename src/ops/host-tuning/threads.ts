// Per-thread priorities (Linux: /proc/self/task and setpriority on a thread id), for threads
// the process did not start itself and so cannot start at a lower priority:
// - the runtime's helper threads (JavaScriptCore's JIT compilers and GC helpers, mimalloc's
//   scavenger), opt-in with HOST_TUNING_HELPER_THREAD_NICE (./index.ts): at nice 19 a woken main
//   thread or ingest Worker is picked before them, though one already running keeps the core
//   until its slice ends;
// - the embedded ClickHouse engine's pools, lowered by its Worker (store/clickhouse/worker.ts,
//   RECORDER_NICE).
// Threads appear later (GC helpers start with the first parallel collection, engine pools on
// demand), so callers repeat the scan; each thread is set once.

import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";
import type { Logger } from "../../log.ts";

/** Threads of Bun/JavaScriptCore and of Workers, by name (comm: 15 bytes at most). */
export const RUNTIME_THREAD = /^(bun|Worker|JITWorker|JSCWarmUp|HeapHelper|mi-scavenger|HTTP Client)$/;
/** The runtime's helpers among them: JIT compilers, GC threads, mimalloc's scavenger. */
export const HELPER_THREAD = /^(JITWorker|HeapHelper|mi-scavenger|JSCWarmUp)$|ollector Thread$/;

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

export type HelperThreads = {
  /** Helper threads alive and handled so far. */
  lowered(): number;
  stop(): void;
};

/**
 * Sets the runtime's helper threads to `nice` now and every `everyMs` for threads started
 * since; the main thread, Workers and Bun's I/O pool keep theirs. 0 turns it off.
 */
export function lowerHelperThreads(nice: number, log: Logger, everyMs = 2000): HelperThreads {
  const done = new Set<number>();
  if (nice <= 0 || process.platform !== "linux") return { lowered: () => 0, stop: () => {} };
  const pass = () => reniceThreads(nice, done, (comm) => HELPER_THREAD.test(comm));
  log.debug("runtime helper threads lowered", { nice, threads: pass() });
  const timer = setInterval(pass, everyMs);
  timer.unref?.();
  return { lowered: () => done.size, stop: () => clearInterval(timer) };
}
