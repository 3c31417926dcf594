// Lowers the calling thread (a strategy's Worker) below the threads that serve the stream: on
// Linux under SCHED_IDLE, so a woken main thread or ingest Worker takes the core from it at once
// (a thread at a positive nice still keeps the core until its slice ends); elsewhere, or where
// that is refused, to a nice value.
import { dlopen, FFIType } from "bun:ffi";
import { readFileSync } from "node:fs";
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
