// bench/sched-waits.ts - who holds a core while a thread waits for it, from a `perf sched record`:
// for each wake-up of the thread (tradewire's main thread unless --tid says), the time until it
// ran, and the threads that ran on its core meanwhile, summed over the waits longer than --over.
//   perf sched record -C 0 -o /tmp/sched.data -- sleep 6     # during a bench, tradewire on core 0
//   bun bench/sched-waits.ts /tmp/sched.data [--cpu 0] [--tid N] [--over 0.5]
import { parseArgs } from "node:util";

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { cpu: { type: "string", default: "0" }, tid: { type: "string" }, over: { type: "string", default: "0.5" } },
});
const file = positionals[0];
if (!file) {
  console.error("usage: bun bench/sched-waits.ts PERF_DATA [--cpu 0] [--tid N] [--over MS]");
  process.exit(2);
}
const perf = Bun.spawnSync(["perf", "script", "-i", file, "-F", "tid,cpu,time,event,trace"], { stderr: "ignore" });
const lines = perf.stdout.toString().split("\n");
const cpu = Number(a.cpu);
const overS = Number(a.over) / 1000;

// The thread: the one named bun.exe that ran longest, unless given.
const names = new Map<number, string>();
const runtime = new Map<number, number>();
for (const l of lines) {
  const m = /sched_stat_runtime: comm=(.*?) pid=(\d+) runtime=(\d+)/.exec(l);
  if (!m) continue;
  const tid = Number(m[2]);
  names.set(tid, m[1]!);
  runtime.set(tid, (runtime.get(tid) ?? 0) + Number(m[3]));
}
const main = a.tid
  ? Number(a.tid)
  : [...runtime].filter(([t]) => names.get(t) === "bun.exe").sort((x, y) => y[1] - x[1])[0]?.[0];
if (main === undefined) throw new Error("no bun.exe thread in the record: give --tid");

const delays: number[] = [];
const blame = new Map<string, number>();
let wokenAt: number | null = null;
let lastSwitch: number | null = null;
let ran: Array<[number, number]> = []; // [tid, seconds] on the core since the wake-up
for (const l of lines) {
  const m = /^\s*(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$/.exec(l);
  if (!m || Number(m[2]) !== cpu) continue;
  const t = Number(m[3]);
  const trace = m[5]!;
  if (m[4] === "sched_waking") {
    if (Number(/pid=(\d+)/.exec(trace)?.[1]) === main && wokenAt === null) {
      wokenAt = t;
      ran = [];
    }
  } else if (m[4] === "sched_switch") {
    const s = /prev_comm=(.*?) prev_pid=(\d+) .*==> next_comm=(.*?) next_pid=(\d+)/.exec(trace);
    if (!s) continue;
    const prev = Number(s[2]);
    const next = Number(s[4]);
    names.set(prev, s[1]!);
    names.set(next, s[3]!);
    if (wokenAt !== null && lastSwitch !== null) ran.push([prev, t - Math.max(lastSwitch, wokenAt)]);
    lastSwitch = t;
    if (next === main && wokenAt !== null) {
      const d = t - wokenAt;
      delays.push(d);
      if (d > overS)
        for (const [tid, s2] of ran)
          if (tid !== main) blame.set(`${names.get(tid)}:${tid}`, (blame.get(`${names.get(tid)}:${tid}`) ?? 0) + s2);
      wokenAt = null;
    }
  }
}
delays.sort((x, y) => x - y);
const q = (p: number) => ((delays[Math.min(delays.length - 1, Math.floor(delays.length * p))] ?? 0) * 1e3).toFixed(3);
console.log(
  `thread ${main} (${names.get(main)}) on cpu ${cpu}: ${delays.length} wake-ups; wait p50 ${q(0.5)} ms, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${q(1)}; over ${a.over} ms: ${delays.filter((d) => d > overS).length}`,
);
console.log(`who held the core during the waits over ${a.over} ms (ms, summed):`);
for (const [k, v] of [...blame].sort((x, y) => y[1] - x[1]).slice(0, 15))
  console.log(`  ${(v * 1e3).toFixed(2).padStart(8)}  ${k}`);
