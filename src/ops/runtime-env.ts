// Runtime settings that JavaScriptCore and mimalloc read only when the process starts, so the
// process sets them on itself: if any is missing from the environment, it executes itself
// again (execve: same PID, same arguments) with them added. RUNTIME_TUNING=off skips it; a
// value already in the environment is kept.
//
// Why (bench:okx, traces of tradewire's core and A/B runs on this project's VM): the runtime's
// helper threads took that core for 2-5 ms at a time many times a second: FTL compiles
// (JavaScriptCore's top tier keeps compiling functions as they get hot; 110 runs over 0.7 ms in
// 8 s of the order bench) and mimalloc's scavenger handing freed pages back (59 runs), and a
// woken main thread or ingest Worker waited behind them. RUNTIME_TUNING on vs off (bench:okx,
// 4 x 2 runs alternating): tick-to-client p99 2.00 -> 1.84 ms, order round trip p99 2.01 ->
// 1.81 ms (market quiet) and 3.16 -> 2.71 ms (moving); each setting alone gave about half of
// it. The costs: code the DFG tier compiles runs a little slower (tick p50 +0.02 ms), and memory
// freed is returned to the system after 1 s instead of 100 ms; the ingest Worker parses 5-10%
// fewer frames per second of CPU (36-37k against 38-41k, 2 x 2 runs). The hole sweeps (below)
// were found later, in a trace of the order bench, and are paced on top of that.
import { readFileSync, readlinkSync } from "node:fs";

export const RUNTIME_ENV: Readonly<Record<string, string>> = {
  /** No FTL tier: hot code stays at DFG, whose compiles are shorter and settle sooner. */
  BUN_JSC_useFTLJIT: "false",
  /**
   * mimalloc returns pages to the system after 1 s unused instead of 100 ms: the steady churn of
   * a running service is reused instead of purged (madvise) and faulted in again. The purges run
   * on mimalloc's scavenger thread, so a longer delay bought no latency (A/B, 10 s vs 1 s: within
   * the noise) and kept 20 MB of start-up garbage resident (70 MB at rest instead of 50). Never
   * (-1) broke the stream's memory target (10,000 idle SSE clients: 105 MB, target 100).
   */
  MIMALLOC_PURGE_DELAY: "1000",
  /**
   * Each time a thread goes idle, mimalloc's scavenger sweeps that thread's pages and discards the
   * free blocks inside the ones still in use ("holes"), at most every 100 ms per thread by
   * default. On tradewire's core in the order bench (sched_switch trace, 10,000 orders) those
   * sweeps held the core for 1.5-3 ms while an order waited: the main thread and both ingest
   * Workers go idle between orders, so each was swept up to 10 times a second. Every 500 ms: order
   * p99 2.50 -> 2.34 ms with the market moving, 1.74 -> 1.49 quiet (4 x 2 runs, with the 1 s purge
   * delay above). Longer (1-10 s) did better still for orders (2.1 ms), but left the holes of a
   * burst of connections resident for seconds: 10,000 idle SSE clients 95-103 MB two seconds
   * after connecting, against 88 MB with 500 ms.
   */
  MIMALLOC_PURGE_HOLES_MIN_INTERVAL: "500",
  /**
   * Stopping a Worker that is busy in JavaScript (a stuck strategy) makes JavaScriptCore fire a
   * trap on that thread; by default it does so with signals (SIGPWR, then a SIGSEGV it means to
   * catch itself), and embedded ClickHouse (chDB), whose SIGSEGV handler was installed after
   * JavaScriptCore's, takes that SIGSEGV for a crash and shuts its engine down for the rest of
   * the process. Polling traps (a check at loop heads and calls) need no signal.
   */
  BUN_JSC_usePollingTraps: "true",
};

/** The settings `env` lacks (empty: nothing to do). */
export function missingRuntimeEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(RUNTIME_ENV)) if (env[k] === undefined) out[k] = v;
  return out;
}

/**
 * Executes this process again with RUNTIME_ENV added, when something is missing and it is
 * allowed (Linux, RUNTIME_TUNING not "off"). Returns only when it did not: the reason, or null
 * when nothing was needed.
 */
export function reexecWithRuntimeEnv(env: Record<string, string | undefined> = process.env): string | null {
  if (env.RUNTIME_TUNING === "off") return null;
  const missing = missingRuntimeEnv(env);
  if (Object.keys(missing).length === 0) return null;
  if (process.platform !== "linux") return "not Linux";
  let argv: string[];
  let exe: string;
  try {
    argv = readFileSync("/proc/self/cmdline", "latin1").split("\0");
    if (argv.at(-1) === "") argv.pop();
    // The executable's own path, not /proc/self/exe: the kernel names the process after it.
    exe = readlinkSync("/proc/self/exe");
  } catch (err) {
    return `cannot read /proc/self: ${(err as Error).message}`;
  }
  const next: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) next[k] = v;
  Object.assign(next, missing);
  return execve(exe, argv, next);
}

/** libc execve through bun:ffi; returns why it failed (on success it does not return). */
function execve(file: string, argv: string[], env: Record<string, string>): string {
  let ffi: typeof import("bun:ffi");
  try {
    ffi = require("bun:ffi") as typeof import("bun:ffi");
  } catch (err) {
    return `no bun:ffi: ${(err as Error).message}`;
  }
  const { dlopen, FFIType, ptr } = ffi;
  let lib;
  try {
    lib = dlopen("libc.so.6", { execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } });
  } catch (err) {
    return `no libc.so.6: ${(err as Error).message}`;
  }
  // Every buffer stays referenced from `keep` until the call: the pointers are raw addresses.
  const keep: Array<Uint8Array | BigUint64Array> = [];
  const cstr = (s: string) => {
    const b = new TextEncoder().encode(`${s}\0`);
    keep.push(b);
    return b;
  };
  const list = (items: string[]) => {
    const a = new BigUint64Array(items.length + 1);
    items.forEach((s, i) => (a[i] = BigInt(ptr(cstr(s)))));
    keep.push(a);
    return a;
  };
  const path = cstr(file);
  const args = list(argv);
  const envp = list(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  const rc = lib.symbols.execve(ptr(path), ptr(args), ptr(envp));
  lib.close();
  return `execve returned ${rc} (${keep.length} buffers)`;
}
