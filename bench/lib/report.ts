// Turns run results into medians, target checks, anchor ratios and the printed comparison table.

import { median } from "./hist.ts";
import type { RunResult } from "./run.ts";

export type Targets = { p50?: number; p99?: number; noLoss?: boolean; serverCpu?: number };

/** The issue's targets for tradewire, by "CxR". */
export const SCENARIO_TARGETS: Record<string, Targets> = {
  "1x100": { p50: 0.3, p99: 1 },
  "100x1000": { p99: 5, noLoss: true, serverCpu: 50 },
  "1000x100": { p99: 10 },
  "1000x1000": { noLoss: true, p99: 50 },
};

export type Summary = {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  lossPct: number;
  acceptedPct: number;
  lossOfAcceptedPct: number;
  delivered: number;
  expected: number;
  serverCpuPct: number;
  genCpuPct: number;
  genSuspect: boolean;
  disconnected: number;
  silent: number;
  connectFailed: number;
};

export type Row = {
  target: string;
  transport: string;
  runs: RunResult[];
  median: Summary;
  /** this row's median p99 / the anchor's median p99 (below 1: faster than the anchor). */
  p99Ratio: Record<string, number>;
  check?: string;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const countOf = (r: Record<string, number>) => sum(Object.values(r));

export function summarize(runs: RunResult[]): Summary {
  const m = (f: (r: RunResult) => number) => median(runs.map(f));
  return {
    p50: m((r) => r.latencyMs.p50),
    p90: m((r) => r.latencyMs.p90),
    p99: m((r) => r.latencyMs.p99),
    p999: m((r) => r.latencyMs.p999),
    max: m((r) => r.latencyMs.max),
    lossPct: m((r) => r.lossPct),
    acceptedPct: m((r) => r.acceptedPct),
    lossOfAcceptedPct: m((r) => r.lossOfAcceptedPct),
    delivered: sum(runs.map((r) => r.delivered)),
    expected: sum(runs.map((r) => r.expected)),
    serverCpuPct: m((r) => r.serverCpuPct),
    genCpuPct: m((r) => r.genCpuPct),
    genSuspect: runs.some((r) => r.genSuspect),
    disconnected: sum(runs.map((r) => countOf(r.disconnected))),
    silent: Math.max(0, ...runs.map((r) => r.silent)),
    connectFailed: sum(runs.map((r) => countOf(r.connectFailures))),
  };
}

/** "ok" or what missed the scenario's targets. */
export function checkTargets(t: Targets, s: Summary, runs: RunResult[]): string {
  const miss: string[] = [];
  if (t.p50 !== undefined && !(s.p50 <= t.p50)) miss.push(`p50 ${fmt(s.p50)}>${t.p50}`);
  if (t.p99 !== undefined && !(s.p99 <= t.p99)) miss.push(`p99 ${fmt(s.p99)}>${t.p99}`);
  if (t.noLoss && runs.some((r) => r.delivered < r.expected || r.expected === 0))
    miss.push(`lost ${fmtPct(s.lossPct)}`);
  if (t.serverCpu !== undefined && !(s.serverCpuPct < t.serverCpu))
    miss.push(`cpu ${s.serverCpuPct.toFixed(0)}%>=${t.serverCpu}%`);
  return miss.length === 0 ? "ok" : `MISS ${miss.join(", ")}`;
}

export function describeTargets(t: Targets | undefined): string {
  if (!t) return "no target for this scenario";
  const parts: string[] = [];
  if (t.p50 !== undefined) parts.push(`p50<=${t.p50}ms`);
  if (t.p99 !== undefined) parts.push(`p99<=${t.p99}ms`);
  if (t.noLoss) parts.push("no loss");
  if (t.serverCpu !== undefined) parts.push(`server<${t.serverCpu}% of its core`);
  return parts.join(", ");
}

export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function fmtPct(p: number): string {
  if (!Number.isFinite(p)) return "-";
  if (p === 0) return "0";
  if (p < 0.01) return "<0.01%";
  return `${p < 10 ? p.toFixed(2) : p.toFixed(1)}%`;
}

function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(n);
}

function fmtRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? "-" : `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}x`;
}

/** Pads columns: the first two left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string {
  const w: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) w[i] = Math.max(w[i] ?? 0, c.length);
  }
  return rows
    .map((r) =>
      r
        .map((c, i) => (i < 2 || i === r.length - 1 ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function scenarioTable(rows: Row[], anchors: string[]): string {
  const head = [
    "server",
    "transport",
    "p50",
    "p90",
    "p99",
    "p99.9",
    "max",
    "delivered/expected",
    "lost",
    "accepted",
    "srv CPU",
    "gen CPU",
  ];
  for (const a of anchors) head.push(`p99 vs ${a}`);
  head.push("target / notes");
  const out = [head];
  for (const r of rows) {
    const s = r.median;
    const notes: string[] = [];
    if (r.check) notes.push(r.check);
    if (s.acceptedPct < 99.995 && s.lossOfAcceptedPct > 0)
      notes.push(`${fmtPct(s.lossOfAcceptedPct)} of accepted lost`);
    if (s.disconnected) notes.push(`${s.disconnected} disconnected`);
    if (s.silent) notes.push(`${s.silent} silent clients`);
    if (s.connectFailed) notes.push(`${s.connectFailed} failed to connect`);
    if (s.genSuspect) notes.push("GENERATOR >90% CPU: suspect");
    const dist = r.runs.filter((x) => x.disturbed).length;
    if (dist) notes.push(`${dist} run(s) disturbed by other load`);
    const line = [
      r.target,
      r.transport,
      fmt(s.p50),
      fmt(s.p90),
      fmt(s.p99),
      fmt(s.p999),
      fmt(s.max),
      `${fmtCount(s.delivered)}/${fmtCount(s.expected)}`,
      fmtPct(s.lossPct),
      s.acceptedPct >= 99.995 ? "100%" : fmtPct(s.acceptedPct),
      Number.isFinite(s.serverCpuPct) ? `${s.serverCpuPct.toFixed(0)}%` : "-",
      `${s.genCpuPct.toFixed(0)}%`,
    ];
    for (const a of anchors) line.push(r.target === a ? "" : fmtRatio(r.p99Ratio[a]));
    line.push(notes.join("; "));
    out.push(line);
  }
  return table(out);
}

/** One line per run, printed as runs finish. */
export function runLine(r: RunResult): string {
  const l = r.latencyMs;
  const extra: string[] = [];
  const disc = countOf(r.disconnected);
  if (disc) extra.push(`disconnected ${disc} ${JSON.stringify(r.disconnected)}`);
  if (r.silent) extra.push(`silent ${r.silent}`);
  if (r.notWarm) extra.push(`no warm-up event ${r.notWarm}`);
  if (r.duplicates) extra.push(`dups ${r.duplicates}`);
  if (r.reordered) extra.push(`reordered ${r.reordered}`);
  if (r.publish.measuredOk * r.clients < r.expected)
    extra.push(`server accepted ${r.publish.measuredOk}/${r.expected / r.clients} publishes`);
  if (r.publish.skipped) extra.push(`publish skipped ${r.publish.skipped}`);
  if (Object.keys(r.publish.errors).length) extra.push(`publish errors ${JSON.stringify(r.publish.errors)}`);
  if (r.publish.queueMs.p99 > 1)
    extra.push(`publish queued p99 ${fmt(r.publish.queueMs.p99)}ms max ${fmt(r.publish.queueMs.max)}ms`);
  if (r.publish.connections > 4) extra.push(`publish connections ${r.publish.connections}`);
  if (r.publish.unanswered) extra.push(`publish unanswered ${r.publish.unanswered}`);
  if (r.genSuspect) extra.push("GENERATOR >90% CPU");
  const o = r.otherLoadPct;
  if (r.disturbed || process.env.BENCH_SHOW_OTHER) {
    extra.push(
      `${r.disturbed ? "DISTURBED: " : ""}other load core0 ${o.serverCore.toFixed(0)}% core1 ${o.generatorCore.toFixed(0)}% steal ${o.steal.toFixed(0)}%`,
    );
  }
  return (
    `  run ${r.run}: p50 ${fmt(l.p50)} p90 ${fmt(l.p90)} p99 ${fmt(l.p99)} p99.9 ${fmt(l.p999)} max ${fmt(l.max)} ms` +
    ` | ${r.delivered}/${r.expected} lost ${fmtPct(r.lossPct)}` +
    ` | srv ${Number.isFinite(r.serverCpuPct) ? r.serverCpuPct.toFixed(0) : "-"}% gen ${r.genCpuPct.toFixed(0)}%` +
    ` | ${r.readsPerS >= 10000 ? `${(r.readsPerS / 1000).toFixed(0)}k` : r.readsPerS.toFixed(0)} reads/s, ${r.eventsPerRead.toFixed(1)} ev/read` +
    ` | pub ${r.publish.achievedRate.toFixed(0)}/s ack p99 ${fmt(r.publish.ackMs.p99)}ms` +
    (extra.length ? ` | ${extra.join(", ")}` : "")
  );
}
