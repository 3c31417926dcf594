// Reads CPU time (per process tree and per core) and RSS from /proc, and finds free ports.

import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = clockTicks();

function clockTicks(): number {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"]);
  const v = Number(r.stdout.toString().trim());
  return Number.isFinite(v) && v > 0 ? v : 100;
}

/** utime+stime of one process (all its threads), or of one of its threads, in seconds; NaN when it is gone. */
export function cpuSeconds(pid: number | "self", tid?: number): number {
  try {
    const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "latin1");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // fields after ")": state=0 ... utime=11, stime=12 (stat fields 14 and 15)
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** Every thread of a process now: its tid, name and CPU seconds so far (NaN for one gone meanwhile); none when the process is gone. */
export function threadsOf(pid: number): Array<{ tid: number; comm: string; cpu: number }> {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.map((t) => {
    const tid = Number(t);
    let comm = "?";
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, "latin1").trim();
    } catch {}
    return { tid, comm, cpu: cpuSeconds(pid, tid) };
  });
}

/** A process and all its descendants (nginx master + workers; a server that forks helpers). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const s = readFileSync(`/proc/${pid}/stat`, "latin1");
      const ppid = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      const kids = parent.get(ppid);
      if (kids) kids.push(pid);
      else parent.set(ppid, [pid]);
    } catch {
      // raced with an exit
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    for (const k of parent.get(p) ?? []) todo.push(k);
  }
  return out;
}

/** Sum of CPU seconds over a process tree. */
export function treeCpuSeconds(root: number): number {
  let sum = 0;
  for (const p of processTree(root)) {
    const v = cpuSeconds(p);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

/** Sum of VmRSS and of its anonymous part (heap, stacks; not mapped files) over a process tree, in KB. */
export function treeMemKB(root: number): { rssKB: number; anonKB: number } {
  let rssKB = 0;
  let anonKB = 0;
  for (const p of processTree(root)) {
    try {
      const st = readFileSync(`/proc/${p}/status`, "latin1");
      rssKB += Number(/VmRSS:\s+(\d+)\s+kB/.exec(st)?.[1] ?? 0);
      anonKB += Number(/RssAnon:\s+(\d+)\s+kB/.exec(st)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { rssKB, anonKB };
}

type CoreTicks = { busy: number; total: number; steal: number };

/** Per-core jiffies from /proc/stat (busy includes steal; idle and iowait are not busy). */
function coreTicks(): Map<number, CoreTicks> {
  const out = new Map<number, CoreTicks>();
  for (const line of readFileSync("/proc/stat", "latin1").split("\n")) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!
      .split(/\s+/)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    out.set(Number(m[1]), { busy, total: busy + idle + iowait, steal });
  }
  return out;
}

export type CpuFigures = {
  serverPct: number;
  genPct: number;
  seconds: number;
  /** How busy each pinned core was with anything else than our server / generator (other tests, tsc, ...). */
  otherOnServerCorePct: number;
  otherOnGenCorePct: number;
  /** Time the hypervisor took from the two cores (% of a core, summed). */
  stealPct: number;
};

/** Measures CPU use of a process tree, of this process, and of the two pinned cores over a window. */
export class CpuWindow {
  private t0 = 0;
  private s0 = 0;
  private g0 = 0;
  private c0 = new Map<number, CoreTicks>();
  constructor(
    private readonly serverPid: number | null,
    private readonly serverCore: number,
    private readonly genCore: number,
  ) {}

  start(): void {
    this.t0 = performance.now();
    this.s0 = this.serverPid === null ? Number.NaN : treeCpuSeconds(this.serverPid);
    this.g0 = cpuSeconds("self");
    this.c0 = coreTicks();
  }

  /** Percent of one core used by the server and by the generator since start(). */
  stop(): CpuFigures {
    const secs = (performance.now() - this.t0) / 1000;
    const s1 = this.serverPid === null ? Number.NaN : treeCpuSeconds(this.serverPid);
    const g1 = cpuSeconds("self");
    const c1 = coreTicks();
    const busyPct = (core: number): { busy: number; steal: number } => {
      const a = this.c0.get(core);
      const b = c1.get(core);
      if (!a || !b || b.total === a.total) return { busy: Number.NaN, steal: 0 };
      return {
        busy: ((b.busy - a.busy) / (b.total - a.total)) * 100,
        steal: ((b.steal - a.steal) / (b.total - a.total)) * 100,
      };
    };
    const serverPct = ((s1 - this.s0) / secs) * 100;
    const genPct = ((g1 - this.g0) / secs) * 100;
    const sc = busyPct(this.serverCore);
    const gc = busyPct(this.genCore);
    return {
      serverPct,
      genPct,
      seconds: secs,
      otherOnServerCorePct: Math.max(0, sc.busy - (Number.isFinite(serverPct) ? serverPct : 0)),
      otherOnGenCorePct: Math.max(0, gc.busy - genPct),
      stealPct: sc.steal + gc.steal,
    };
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/** CPUs this process may run on, as the kernel lists them (e.g. "1" or "0-1"). */
export function allowedCpus(): string {
  const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "latin1"));
  return m?.[1] ?? "?";
}

export function openFileLimit(): number {
  const m = /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "latin1"));
  return m ? Number(m[1]) : Number.NaN;
}

/** CPUs of the machine (not of this process's affinity mask, which is 1 once pinned). */
export function cpuCount(): number {
  return readFileSync("/proc/stat", "latin1")
    .split("\n")
    .filter((l) => /^cpu\d+ /.test(l)).length;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
