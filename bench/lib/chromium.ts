// Debian's Chromium for the dashboard benchmark: launched headless (software rendering) and
// pinned to one core, where its CPU time goes (per process type and thread, from /proc), and a trace.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import type { Cdp } from "./cdp.ts";
import { processTree, sleep, threadsOf } from "./proc.ts";

export const CHROMIUM = "/usr/bin/chromium";
/** Headless, software rendering, nothing fetched on its own. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];

/** Starts Chromium; with `core`, through a `taskset` wrapper in `dir` (playwright starts the executable it is given). */
export async function launchChromium(dir: string, core: string | null): Promise<{ browser: Browser; pinned: boolean }> {
  const exe = join(dir, "chromium");
  writeFileSync(exe, `#!/bin/sh\nexec taskset -c ${core} ${CHROMIUM} "$@"\n`);
  chmodSync(exe, 0o755);
  const pinned = core !== null && Bun.which("taskset") !== null;
  const browser = await chromium.launch({
    executablePath: pinned ? exe : CHROMIUM,
    args: CHROMIUM_FLAGS,
  });
  return { browser, pinned };
}

function stat(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "latin1");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The Chromium this process started (its direct child), or null. */
export function browserPid(): number | null {
  for (const d of readdirSync("/proc")) {
    const pid = Number(d);
    if (!Number.isInteger(pid) || Number(stat(pid)?.[1]) !== process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("chromium")) return pid;
    } catch {}
  }
  return null;
}

/** CPU seconds so far of every thread of a Chromium tree, keyed `<process type> <pid>/<thread name> <tid>`. */
export type ThreadTimes = Map<string, { type: string; pid: number; tid: number; comm: string; cpu: number }>;

export function chromiumThreads(root: number): ThreadTimes {
  const out: ThreadTimes = new Map();
  for (const pid of processTree(root)) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "latin1");
    } catch {
      continue;
    }
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? (pid === root ? "browser" : "other");
    const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
    const kind = sub ? `${type}:${sub.split(".").at(-1)}` : type;
    for (const { tid, comm, cpu } of threadsOf(pid))
      if (Number.isFinite(cpu)) out.set(`${kind} ${pid}/${comm} ${tid}`, { type: kind, pid, tid, comm, cpu });
  }
  return out;
}

/**
 * Percent of one core per process type and thread name between two snapshots, busiest first
 * (threads of one name summed, e.g. every raster worker), those of at least `min` percent.
 */
export function threadShares(a: ThreadTimes, b: ThreadTimes, secs: number, min = 0.5) {
  const sum = new Map<string, number>();
  let total = 0;
  for (const [k, x] of b) {
    const d = Math.max(0, x.cpu - (a.get(k)?.cpu ?? 0));
    total += d;
    const name = `${x.type}/${x.comm.replace(/\d+$/, "")}`;
    sum.set(name, (sum.get(name) ?? 0) + d);
  }
  const rows = [...sum]
    .map(([name, d]) => ({ name, pct: (d / secs) * 100 }))
    .filter((r) => r.pct >= min)
    .sort((x, y) => y.pct - x.pct);
  return { totalPct: (total / secs) * 100, rows };
}

/** CPU seconds so far of each renderer's main thread (its tid is the pid), by pid. */
export function rendererMains(t: ThreadTimes): Map<number, number> {
  const out = new Map<number, number>();
  for (const x of t.values()) if (x.type === "renderer" && x.tid === x.pid) out.set(x.pid, x.cpu);
  return out;
}

/** Records `secs` of Chrome trace of the page's process into `file`. */
export async function trace(cdp: Cdp, file: string, secs: number): Promise<void> {
  const chunks: unknown[] = [];
  cdp.on("Tracing.dataCollected", (e: { value: unknown[] }) => {
    chunks.push(...e.value);
  });
  const done = new Promise<void>((r) => cdp.once("Tracing.tracingComplete", () => r()));
  await cdp.send("Tracing.start", {
    transferMode: "ReportEvents",
    traceConfig: {
      includedCategories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.timeline.frame",
        "toplevel",
        "toplevel.ipc",
        "mojom",
        "scheduler",
        "net",
        "v8.execute",
        "blink",
        "cc",
        "viz",
        "benchmark",
        "loading",
        "disabled-by-default-devtools.timeline.stack",
        "disabled-by-default-v8.cpu_profiler",
      ],
    },
  });
  await sleep(secs * 1000);
  await cdp.send("Tracing.end");
  await done;
  writeFileSync(file, JSON.stringify({ traceEvents: chunks }));
}
