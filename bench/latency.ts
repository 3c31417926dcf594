// The latency benchmark (`npm run bench`): tradewire's SSE/WS/polling vs the Python original and nginx+nchan.
//
// Starts each server pinned to core 0, runs the generator (publisher + all subscribers, one
// process, one clock) on core 1, and prints per-run lines, a comparison table per scenario
// with medians, target checks and p99 ratios to the anchors, and writes everything as JSON.
// See bench/README.md for how to read it.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AnchorName, ensureAnchor, startNchan, startPython } from "./lib/anchors.ts";
import { HELP, type Options, parseOptions, type Scenario, type TargetName } from "./lib/args.ts";
import type { Server } from "./lib/endpoint.ts";
import { type IdleResult, idleRun } from "./lib/idle.ts";
import { allowedCpus, cpuCount, openFileLimit } from "./lib/proc.ts";
import {
  checkTargets,
  describeTargets,
  fmtPct,
  type Row,
  runLine,
  SCENARIO_TARGETS,
  scenarioTable,
  summarize,
  table,
} from "./lib/report.ts";
import { type RunResult, runOnce } from "./lib/run.ts";
import { GENERATOR_CORE, installExitHooks } from "./lib/servers.ts";
import { attachTradewire, startTradewire } from "./lib/tradewire.ts";

const log = (s: string) => console.log(s);
const ANCHORS: AnchorName[] = ["python", "nchan"];
const MAX_RETRIES = 2;

/** Re-runs this script under `taskset -c 1` unless already pinned; returns false in the parent. */
async function pinGenerator(opts: Options): Promise<boolean> {
  if (!opts.pin || process.env.TRADEWIRE_BENCH_PINNED === "1") return true;
  if (cpuCount() < 2) {
    log("warning: fewer than 2 cores, not pinning (server and generator share a core)");
    return true;
  }
  const child = Bun.spawn(["taskset", "-c", GENERATOR_CORE, process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, TRADEWIRE_BENCH_PINNED: "1" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => {}); // the child cleans up
  process.exitCode = await child.exited;
  return false;
}

async function startTarget(name: TargetName, opts: Options): Promise<Server> {
  if (name === "python") return startPython();
  if (name === "nchan") return startNchan();
  return opts.url ? attachTradewire(opts.url, opts.password, opts.pid) : startTradewire(opts.env, opts.compiled);
}

/** The few facts about a server worth a glance: commit, event loop, versions. */
function describe(info: Record<string, unknown>): string {
  const keys = ["url", "commit", "nginx", "python", "uvicorn", "loop", "http_impl_modules_loaded", "env"];
  return keys
    .filter(
      (k) =>
        info[k] !== undefined &&
        info[k] !== null &&
        !(typeof info[k] === "object" && Object.keys(info[k] as object).length === 0),
    )
    .map((k) => `${k} ${typeof info[k] === "string" ? info[k] : JSON.stringify(info[k])}`)
    .join(", ");
}

/** Server counters about trouble (drops, resets, overruns, slow clients) that grew during a run. */
function counterGrowth(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): string {
  if (!after) return "";
  const out: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (typeof v !== "number") continue;
    const trouble = /(drop|reset|overrun|slow|stall|kick|error)/i.test(k) && !/client_closed|answered/.test(k);
    const badDisconnect = /disconnects_total/.test(k) && !/client_closed|answered/.test(k);
    if (!trouble && !badDisconnect) continue;
    const prev = typeof before?.[k] === "number" ? (before[k] as number) : 0;
    if (v > prev) out.push(`${k} +${v - prev}`);
  }
  return out.join(", ");
}

async function runScenario(sc: Scenario, targets: TargetName[], opts: Options, skipped: Record<string, string>) {
  const key = `${sc.clients}x${sc.rate}`;
  const goal = SCENARIO_TARGETS[key];
  log(
    `\n=== C=${sc.clients} clients x R=${sc.rate} events/s: ${opts.durationS} s x ${opts.runs} runs; target: ${describeTargets(goal)}`,
  );
  const rows: Row[] = [];
  const disturbed: RunResult[] = [];
  for (const name of targets) {
    let server: Server;
    try {
      server = await startTarget(name, opts);
    } catch (e) {
      skipped[`${name} ${key}`] = String(e);
      log(`${name}: could not start, skipped: ${String(e)}`);
      continue;
    }
    const ep = server.endpoint;
    let prevStats: Record<string, unknown> | undefined;
    try {
      if (opts.serverWarmup > 0 && ep.transports.includes("sse")) {
        // Every server starts cold (tradewire's JIT tiers up after thousands of calls): give each
        // the same unmeasured traffic first, so a scenario measures its steady state.
        const rate = 2000;
        const w = await runOnce(
          ep,
          { transport: "sse", clients: 1, rate, durationS: opts.serverWarmup / rate, warmupS: 0, drainS: 1 },
          0,
          () => {},
        );
        log(`${name}: warmed with ${w.expected} unmeasured events over SSE (${w.delivered} delivered)`);
      }
      for (const transport of ep.transports.filter((t) => opts.transports.includes(t))) {
        log(`${name} ${transport} (port ${ep.port}, pid ${ep.pid ?? "?"}; ${describe(ep.info)})`);
        const runs: RunResult[] = [];
        for (let i = 1; i <= opts.runs; i++) {
          const spec = {
            transport,
            clients: sc.clients,
            rate: sc.rate,
            durationS: opts.durationS,
            warmupS: opts.warmupS,
            drainS: opts.drainS,
          };
          let r = await runOnce(ep, spec, i, log);
          // another process on a pinned core (a test suite, tsc) spoils a run: repeat it, at most twice
          for (let retry = 0; r.disturbed && retry < MAX_RETRIES; retry++) {
            log(runLine(r));
            log(`  run ${i} disturbed by other load on the pinned cores: repeating it`);
            disturbed.push(r);
            r = await runOnce(ep, spec, i, log);
          }
          if (server.stats) r.serverStats = await server.stats().catch((e: unknown) => ({ error: String(e) }));
          runs.push(r);
          log(runLine(r));
          const grew = counterGrowth(prevStats, r.serverStats);
          if (grew) log(`    server counters: ${grew}`);
          prevStats = r.serverStats;
        }
        rows.push({ target: name, transport, runs, median: summarize(runs), p99Ratio: {} });
      }
    } finally {
      await server.stop();
    }
  }
  const anchors = ANCHORS.filter((a) => rows.some((r) => r.target === a));
  for (const r of rows) {
    for (const a of anchors) {
      const ar = rows.find((x) => x.target === a && x.transport === "sse");
      if (ar) r.p99Ratio[a] = r.median.p99 / ar.median.p99;
    }
    if (r.target === "tradewire" && goal) r.check = checkTargets(goal, r.median, r.runs);
  }
  log(
    `\nC=${sc.clients} x R=${sc.rate}/s, medians of ${opts.runs} run(s), latency in ms (publish -> client receive); target: ${describeTargets(goal)}`,
  );
  log(scenarioTable(rows, anchors));
  return { clients: sc.clients, rate: sc.rate, key, targets: goal ?? null, rows, disturbedRuns: disturbed };
}

function idleTable(results: IdleResult[]): string {
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  const out = [
    [
      "server",
      "connected",
      "RSS before MB",
      "RSS after MB",
      "anon before MB",
      "anon after MB",
      "after hold MB",
      "KB/client",
      "open after hold",
      "target / notes",
    ],
  ];
  for (const r of results) {
    const notes: string[] = [];
    if (r.target === "tradewire") {
      const total = r.rssAfterKB / 1024;
      const delta = (r.rssAfterKB - r.rssBeforeKB) / 1024;
      notes.push(
        total <= 100
          ? "ok (<= 100 MB)"
          : `MISS: ${total.toFixed(0)} MB total (+${delta.toFixed(0)} MB for the clients)`,
      );
    }
    const closed = Object.entries(r.closedByServer).map(([k, v]) => `${v} ${k}`);
    if (closed.length) notes.push(`closed: ${closed.join(", ")}`);
    const failed = Object.entries(r.failed).map(([k, v]) => `${v} ${k}`);
    if (failed.length) notes.push(`failed: ${failed.join(", ")}`);
    out.push([
      r.target,
      `${r.connected}/${r.clients}`,
      mb(r.rssBeforeKB),
      mb(r.rssAfterKB),
      mb(r.anonBeforeKB),
      mb(r.anonAfterKB),
      mb(r.rssEndKB),
      r.perClientKB.toFixed(1),
      `${r.openAtEnd}`,
      notes.join("; "),
    ]);
  }
  return table(out);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), join(import.meta.dir, "results", "latest.json"));
  if (opts === "help") return void console.log(HELP);
  if (!(await pinGenerator(opts))) return;
  installExitHooks();

  const fdLimit = openFileLimit();
  const need = Math.max(opts.idle, ...opts.scenarios.map((s) => s.clients)) + 200;
  log(
    `tradewire latency bench: bun ${Bun.version}, ${cpuCount()} cores, generator on CPUs ${allowedCpus()}, open-file limit ${fdLimit}`,
  );
  if (fdLimit < need)
    log(`warning: open-file limit ${fdLimit} < ${need} needed; run through bench/run.sh (ulimit -n 65536)`);

  const skipped: Record<string, string> = {};
  const targets = opts.targets.filter((t) => {
    if (t === "tradewire") return true;
    const why = ensureAnchor(t, log);
    if (why !== null) {
      skipped[t] = why;
      log(`${t}: SKIPPED: ${why}`);
    }
    return why === null;
  });

  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: {
      cores: cpuCount(),
      generatorCpus: allowedCpus(),
      bun: Bun.version,
      fdLimit,
      kernel: Bun.spawnSync(["uname", "-r"]).stdout.toString().trim(),
    },
    options: opts,
    skipped,
  };

  if (opts.idle > 0) {
    const results: IdleResult[] = [];
    for (const name of targets) {
      log(`\n=== idle: ${opts.idle} SSE clients on ${name}`);
      let server: Server;
      try {
        server = await startTarget(name, opts);
      } catch (e) {
        skipped[`${name} idle`] = String(e);
        log(`${name}: could not start, skipped: ${String(e)}`);
        continue;
      }
      try {
        results.push(await idleRun(server, opts.idle, opts.idleHoldS, log));
      } finally {
        await server.stop();
      }
    }
    log(
      `\nIdle SSE clients: server RSS (VmRSS of its process tree; anon = without mapped files); target for tradewire: <= 100 MB total`,
    );
    log(idleTable(results));
    report.idle = results;
  } else {
    const scenarios = [];
    for (const sc of opts.scenarios) scenarios.push(await runScenario(sc, targets, opts, skipped));
    report.scenarios = scenarios;
    const all = scenarios.flatMap((s) => s.rows.flatMap((r) => r.runs));
    const genMax = Math.max(...all.map((r) => r.genCpuPct));
    const suspect = all.filter((r) => r.genSuspect).length;
    log(
      `\ngenerator CPU (core ${GENERATOR_CORE}): max ${genMax.toFixed(0)}% of a core over ${all.length} runs` +
        (suspect
          ? `; ${suspect} run(s) above 90%: their latencies include generator queueing (suspect)`
          : "; never above 90%"),
    );
    const lost = all.filter((r) => r.lossPct > 0);
    if (lost.length)
      log(
        `runs with loss: ${lost.map((r) => `${r.target}/${r.transport} ${r.clients}x${r.rate} #${r.run} ${fmtPct(r.lossPct)}`).join(", ")}`,
      );
  }
  for (const [k, v] of Object.entries(skipped)) log(`skipped ${k}: ${v.split("\n")[0]}`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    `${JSON.stringify(report, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  log(`\nJSON: ${opts.out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
