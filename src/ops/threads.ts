// Keeps the runtime's background threads out of the way of the two threads the latency lives on:
// the main thread (HTTP, the hub's fan-out) and the OKX ingest Worker.
//
// Next to them Bun runs JavaScriptCore's JIT compilers ("JITWorker") and garbage-collector
// threads, and mimalloc's scavenger (hands freed pages back to the OS). At the same priority the
// kernel lets a running thread use up its slice before a woken one gets the core: traced with
// sched_switch on one core (bench:okx), the main thread waited up to 4.5 ms behind a JIT
// compile and 1.6 ms behind the scavenger, with an event in hand. At nice 19 they still run
// whenever the core has time (and ~1.5% of it when it has none), but a woken main thread or
// ingest Worker takes the core from them at once.
//
// Linux only (/proc/self/task, setpriority on a thread id). Threads appear later (GC helpers
// start with the first parallel collection), so the scan repeats; each thread is set once.

import { dlopen, FFIType } from "bun:ffi";
import { readdirSync, readFileSync } from "node:fs";
import type { Logger } from "../log.ts";

/** Thread names (comm, 15 bytes at most) of the runtime's helpers; never the main thread or a Worker. */
export const BACKGROUND_THREAD = /^(JITWorker|HeapHelper|mi-scavenger|JSCWarmUp)|ollector Thread$/;

type SetPriority = (which: number, who: number, prio: number) => number;
const PRIO_PROCESS = 0; // with a thread id: that thread only (Linux)

function loadSetPriority(): SetPriority | null {
  try {
    const lib = dlopen(process.platform === "linux" ? "libc.so.6" : "libc.dylib", {
      setpriority: { args: [FFIType.i32, FFIType.u32, FFIType.i32], returns: FFIType.i32 },
    });
    return lib.symbols.setpriority as SetPriority;
  } catch {
    return null;
  }
}

/** Thread ids and names of this process (empty where /proc is missing). */
export function threadsOfSelf(): Array<{ tid: number; comm: string }> {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return [];
  }
  const out: Array<{ tid: number; comm: string }> = [];
  for (const t of tids) {
    try {
      out.push({ tid: Number(t), comm: readFileSync(`/proc/self/task/${t}/comm`, "latin1").trim() });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** A thread's nice value from /proc (NaN when it is gone). */
export function threadNice(tid: number): number {
  try {
    const s = readFileSync(`/proc/self/task/${tid}/stat`, "latin1");
    return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[16]); // field 19: nice
  } catch {
    return Number.NaN;
  }
}

export type BackgroundThreads = {
  /** Helper threads alive and set so far. */
  lowered(): number;
  stop(): void;
};

/**
 * Sets the runtime's helper threads to `nice` now and every `everyMs` for threads started
 * since. 0 turns it off. Returns how many threads it has set, and a stop function.
 */
export function lowerBackgroundThreads(nice: number, log: Logger, everyMs = 2000): BackgroundThreads {
  const done = new Set<number>();
  const off: BackgroundThreads = { lowered: () => done.size, stop: () => {} };
  if (nice <= 0 || process.platform !== "linux") return off;
  const setpriority = loadSetPriority();
  if (!setpriority) {
    log.warn("background threads keep their priority: setpriority is not reachable through bun:ffi");
    return off;
  }
  let failed = false;
  const pass = () => {
    const live = threadsOfSelf();
    if (done.size > 0) {
      const ids = new Set(live.map((t) => t.tid));
      for (const tid of done) if (!ids.has(tid)) done.delete(tid); // ended: its id may come back
    }
    for (const { tid, comm } of live) {
      if (done.has(tid) || tid === process.pid || !BACKGROUND_THREAD.test(comm)) continue;
      done.add(tid); // set once, whether it worked or not: no retry storm
      if (setpriority(PRIO_PROCESS, tid, nice) !== 0 && !failed) {
        failed = true;
        log.warn("could not lower a background thread's priority", { thread: comm });
      }
    }
  };
  pass();
  const timer = setInterval(pass, everyMs);
  timer.unref?.();
  return { lowered: () => done.size, stop: () => clearInterval(timer) };
}
