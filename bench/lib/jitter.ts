// How often the machine itself takes a core away: a process pinned to one core spins reading
// the clock and counts the gaps between two reads. With nothing else of ours running, a gap is
// time the core spent elsewhere (the kernel, other processes, the hypervisor not running the
// vCPU). It is the floor under any tail latency measured on that core, so the OKX bench reports
// it beside its p99s.

const PROBE = `
const ms = Number(process.argv[1]);
const edges = [0.1, 0.25, 0.5, 1, 2, 4];
const counts = edges.map(() => 0);
let lost = 0, max = 0;
const end = performance.now() + ms;
let last = performance.now();
for (;;) {
  const t = performance.now();
  const g = t - last;
  last = t;
  if (g >= edges[0]) {
    lost += g;
    if (g > max) max = g;
    for (let i = 0; i < edges.length; i++) if (g >= edges[i]) counts[i]++;
  }
  if (t >= end) break;
}
console.log(JSON.stringify({ edges, counts, lostMs: lost, maxMs: max }));
`;

export interface Jitter {
  core: string;
  seconds: number;
  /** Gap thresholds (ms) and how many gaps were at least that long. */
  edges: number[];
  counts: number[];
  /** Sum of the gaps >= the first edge, and the longest. */
  lostMs: number;
  maxMs: number;
}

/** Spins on `core` for `seconds` (a child process under taskset) and returns its gaps. */
export async function probeJitter(core: string, seconds: number): Promise<Jitter> {
  const p = Bun.spawn(["taskset", "-c", core, process.execPath, "-e", PROBE, String(seconds * 1000)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`jitter probe on core ${core} failed (${code}): ${err.trim().slice(0, 300)}`);
  return { core, seconds, ...(JSON.parse(out) as Omit<Jitter, "core" | "seconds">) };
}

/** "gaps >= 0.5 ms: 8 (0.8/s), >= 1 ms: 3, >= 2 ms: 1; longest 2.51 ms" */
export function describeJitter(j: Jitter): string {
  const at = (e: number) => j.counts[j.edges.indexOf(e)] ?? 0;
  const rate = (n: number) => `${(n / j.seconds).toFixed(1)}/s`;
  return `gaps >= 0.5 ms: ${at(0.5)} (${rate(at(0.5))}), >= 1 ms: ${at(1)} (${rate(at(1))}), >= 2 ms: ${at(2)}; longest ${j.maxMs.toFixed(2)} ms, ${((j.lostMs / (j.seconds * 1000)) * 100).toFixed(2)}% of the time in gaps >= 0.1 ms`;
}
