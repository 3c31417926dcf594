// Lowers the calling thread (a strategy's Worker) below the threads that serve the stream: on
// Linux under SCHED_IDLE, so a woken main thread or ingest Worker takes the core from it at once
// (a thread at a positive nice still keeps the core until its slice ends); elsewhere, or where
// that is refused, to a nice value.
import { dlopen, FFIType } from "bun:ffi";
import { readFileSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";

const SCHED_IDLE = 5;

export type ThreadPriority = "idle" | "nice" | "default";

/**
 * Puts this thread under SCHED_IDLE when `idle` (Linux), else (or when that fails) at `nice`;
 * says which it got. Affects only the calling thread.
 * @example lowerThisThread({ idle: true, nice: 10 }) // "idle" on Linux
 */
export function lowerThisThread(o: { idle: boolean; nice: number }): ThreadPriority {
  if (o.idle && process.platform === "linux" && schedIdle()) return "idle";
  if (o.nice <= 0) return "default";
  try {
    setPriority(0, o.nice); // pid 0: this thread only (Linux)
    return "nice";
  } catch {
    return "default"; // not permitted here
  }
}

/** sched_setscheduler(0, SCHED_IDLE) through libc: 0 is the calling thread. */
function schedIdle(): boolean {
  try {
    const libc = dlopen("libc.so.6", {
      sched_setscheduler: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    });
    try {
      return libc.symbols.sched_setscheduler(0, SCHED_IDLE, new Int32Array(1)) === 0;
    } finally {
      libc.close();
    }
  } catch {
    return false; // no glibc (musl), or no FFI
  }
}

/** The scheduling policy of the calling thread (Linux /proc; 0 normal, 5 idle), or null. */
export function policyOfThisThread(): number | null {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[38]); // field 41 of stat(5): policy
  } catch {
    return null;
  }
}

/** This thread's id (Linux: from /proc/thread-self), or null. */
export function thisThreadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * How long (ms) a thread of this process has run and has waited to run (runnable, not on a core),
 * from /proc/self/task/<tid>/schedstat; null where that is not available.
 */
export function threadSchedMs(tid: number): { ranMs: number; waitedMs: number } | null {
  try {
    const [ran, waited] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
    return Number.isFinite(ran) && Number.isFinite(waited) ? { ranMs: ran! / 1e6, waitedMs: waited! / 1e6 } : null;
  } catch {
    return null;
  }
}

/**
 * What a Worker silent for `silentMs` is: `starved` when it spent most of the silence waiting for
 * a core (runnable, but under SCHED_IDLE the serving threads held every core), else `stuck` (it
 * ran, or slept, and said nothing); null while the silence is not over `stallMs`. `waitedMs` is
 * its run-queue wait over the silence, null when unknown (then silence is stuck).
 * @example stallOf(12_000, 11_000, 10_000) // "starved"
 */
export function stallOf(silentMs: number, waitedMs: number | null, stallMs: number): "stuck" | "starved" | null {
  if (silentMs <= stallMs) return null;
  return waitedMs !== null && waitedMs > silentMs / 2 ? "starved" : "stuck";
}
