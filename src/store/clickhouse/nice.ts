// Lowers the scheduling priority of the embedded engine's threads (Linux, through /proc): chDB
// starts its own pools (merges, parsing, query pipelines) whose work must not take the core from
// the thread that serves streams. Threads of the Bun runtime and other Workers are left alone.
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * Threads of Bun/JavaScriptCore and of other Workers, never reniced. "Bun Pool" threads are: they
 * run the engine's calls (N-API async work); the serving thread does its I/O on its own loop.
 */
const RUNTIME = /^(bun|Worker|JITWorker|JSCWarmUp|HeapHelper|mi-scavenger|HTTP Client)$/;

/**
 * Renices every engine thread not seen before to `nice`; returns how many it changed.
 * @example const seen = new Set<number>(); reniceEngineThreads(10, seen);
 */
export function reniceEngineThreads(nice: number, seen: Set<number>): number {
  let changed = 0;
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return 0; // not Linux
  }
  for (const t of tids) {
    const tid = Number(t);
    if (seen.has(tid)) continue;
    seen.add(tid);
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const current = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      if (RUNTIME.test(name) || current < 0 || current >= nice) continue; // negative: the engine chose it
      setPriority(tid, nice);
      changed++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return changed;
}
