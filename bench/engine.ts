// bench/engine.ts - the external engine bridge over Redis Streams, three figures:
//   1. command round trip over REST: POST /api/commands?wait= -> Redis -> the Python reference
//      engine -> its result in the HTTP answer, p50/p99 per run (target p99 <= 5 ms)
//   2. engine events taken in: a Bun/ioredis writer floods tw:engine:events (the Python engine is
//      far too slow to write 50,000/s); the rate at which tradewire publishes them onto its bus
//      (its /metrics, every 50 ms; target >= 50,000/s), and at which they reach an SSE client
//   3. engine publish -> SSE client at 1,000 events/s, p50/p99 per run (target p99 <= 5 ms)
// tradewire runs as `npm start` runs it, its own process pinned to core 0 (bench/lib/tradewire.ts);
// Redis, this process (the REST client), the Python engine and the writer + SSE client of 2 and 3
// (one clock) run on core 1: what is measured is tradewire's share of the path on its own core.
//   bun bench/engine.ts [--runs 3] [--commands 1000] [--count 200000] [--rate 1000] [--duration 5]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "bun";
import { startEnv } from "../scripts/start-env.ts";
import { Histogram, median } from "./lib/hist.ts";
import { cpuCount, freePort, sleep } from "./lib/proc.ts";
import { GENERATOR_CORE, installExitHooks } from "./lib/servers.ts";
import { REPO, startTradewire } from "./lib/tradewire.ts";

const { values: a } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    commands: { type: "string", default: "1000" },
    count: { type: "string", default: "200000" },
    rate: { type: "string", default: "1000" },
    duration: { type: "string", default: "5" },
    only: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (a.help) {
  console.log(
    "bun bench/engine.ts [--runs N] [--commands N] [--count N] [--rate N] [--duration S] [--only commands|ingest|latency]",
  );
  process.exit(0);
}

// This process runs on the generator core with the runtime settings tradewire gets from
// `npm start` (as bench/okx.ts does): it starts again under taskset with them.
const pin = cpuCount() >= 2 && Bun.which("taskset") !== null;
const rigEnv = startEnv();
const rigEnvMissing = Object.entries(rigEnv).some(([key, value]) => process.env[key] !== value);
if (process.env.TRADEWIRE_BENCH_PINNED !== "1" && (pin || rigEnvMissing)) {
  const cmd = [...(pin ? ["taskset", "-c", GENERATOR_CORE] : []), process.execPath, ...process.argv.slice(1)];
  const child = spawn(cmd, {
    env: { ...process.env, ...rigEnv, TRADEWIRE_BENCH_PINNED: "1" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exit(await child.exited);
}
installExitHooks();

const runs = Number(a.runs);
const say = (s: string) => console.log(s);
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

// --- Redis and tradewire ---------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), "tradewire-bench-engine-"));
const redisPort = freePort();
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const redisProc = spawn(
  [
    ...(pin ? ["taskset", "-c", GENERATOR_CORE] : []),
    "redis-server",
    "--port",
    String(redisPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ],
  { stdio: ["ignore", "ignore", "ignore"] },
);
const children: Array<{ kill(): void }> = [redisProc];
process.on("exit", () => {
  for (const c of children) c.kill();
});
await sleep(300);

const tw = await startTradewire({
  OKX_ENABLED: "false",
  CLICKHOUSE_ENABLED: "false",
  REDIS_URL: redisUrl,
  BUS_BYTES: String(32 << 20),
  // One writer stands in for an engine at 50,000 events/s: its byte budget is lifted (the default
  // would refuse most of them as over_budget), up to a quarter of the ring at once.
  PUBLISH_BYTES_PER_S: String(1 << 30),
  PUBLISH_BURST_BYTES: String(8 << 20),
});
const ep = tw.endpoint;
const base = `http://${ep.host}:${ep.port}`;
const auth = ep.headers;
const token = auth.Authorization!.replace(/^Bearer /, "");
say(
  `bench/engine.ts: tradewire ${base} (pid ${ep.pid}, core 0, ${ep.info.commit}), redis ${redisUrl} and this process on core ${pin ? GENERATOR_CORE : "any"}; ${runs} runs each`,
);
const results: string[] = [];

// --- 1. command round trip -------------------------------------------------------------------
async function engineUp(id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const r = await fetch(`${base}/api/engines`, { headers: auth });
    const list = ((await r.json()) as { data: Array<{ engineId: string; state: string }> }).data;
    if (list.some((e) => e.engineId === id && e.state === "up")) return;
    await sleep(20);
  }
  throw new Error(`engine ${id} did not come up`);
}

if (!a.only || a.only === "commands") {
  const py = spawn(
    [
      ...(pin ? ["taskset", "-c", GENERATOR_CORE] : []),
      "/usr/bin/python3",
      join(REPO, "engine/reference/tradewire_engine.py"),
      "--redis",
      redisUrl,
      "--heartbeat-ms",
      "1000",
      "--tick-ms",
      "60000",
      "--log-level",
      "WARNING",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  children.push(py);
  await engineUp("ref-1");
  const body = JSON.stringify({ type: "engine", engineId: "ref-1", name: "ping" });
  const headers = { ...auth, "Content-Type": "application/json" };
  const once = async () => {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/commands?wait=5000`, { method: "POST", headers, body });
    const rec = (await r.json()) as { status?: string; id?: string };
    const ms = performance.now() - t0;
    if (rec.status !== "done") throw new Error(`command ${rec.id} answered ${r.status} ${rec.status}`);
    return ms;
  };
  for (let i = 0; i < 300; i++) await once(); // warm-up: JIT, connections
  const p99s: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const h = new Histogram();
    for (let i = 0; i < Number(a.commands); i++) h.recordMs(await once());
    const s = h.summary();
    p99s.push(s.p99);
    say(`  commands run ${r}: n=${s.count} p50 ${f2(s.p50)} p90 ${f2(s.p90)} p99 ${f2(s.p99)} max ${f2(s.max)} ms`);
  }
  results.push(
    `command round trip over REST, p99 (median of runs): ${f2(median(p99s))} ms  (target <= 5: ${median(p99s) <= 5 ? "met" : "NOT met"})`,
  );
  py.kill("SIGTERM");
  await py.exited;
}

// --- 2 and 3: engine events ------------------------------------------------------------------
async function generator(args: string[]): Promise<Record<string, number>> {
  const g = spawn(
    [
      process.execPath,
      join(import.meta.dir, "engine/generator.ts"),
      "--redis",
      redisUrl,
      "--base",
      base,
      "--token",
      token,
      ...args,
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  children.push(g);
  const text = await new Response(g.stdout).text();
  await g.exited;
  return JSON.parse(text.trim().split("\n").pop()!) as Record<string, number>;
}

/** tradewire's count of engine events published onto its bus (its /metrics). */
async function busCount(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
  const m = /^tradewire_engine_events_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

if (!a.only || a.only === "ingest") {
  const intakes: number[] = [];
  const deliveries: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const count = Number(a.count);
    // The bus intake, sampled every 50 ms (the intake thread reports its count every 100 ms):
    // from the first sample above the start to the first with every event, or 3 s after the writer.
    const c0 = await busCount();
    const samples: Array<[number, number]> = [];
    let until = Number.POSITIVE_INFINITY;
    const sampler = (async () => {
      while (performance.now() < until) {
        const n = (await busCount()) - c0;
        samples.push([performance.now(), n]);
        if (n >= count) return;
        await sleep(50);
      }
    })();
    const g = await generator(["--mode", "flood", "--count", String(count)]);
    until = performance.now() + 3000;
    await sampler;
    const from = samples.find(([, n]) => n > 0);
    const to = samples.find(([, n]) => n >= count);
    const intake = from && to && to[0] > from[0] ? (to[1] - from[1]) / ((to[0] - from[0]) / 1000) : Number.NaN;
    // Events reach the client in order, so first to last arrival is the time all of them took.
    const delivery =
      g.delivered === count && g.lastRxMs! > g.firstRxMs!
        ? (count - 1) / ((g.lastRxMs! - g.firstRxMs!) / 1000)
        : Number.NaN;
    intakes.push(intake);
    deliveries.push(delivery);
    say(
      `  ingest run ${r}: written ${g.writtenPerS}/s; onto the bus ${Math.round(intake)}/s; ${g.delivered} of ${count} reached the SSE client at ${Math.round(delivery)}/s`,
    );
    await sleep(500);
  }
  results.push(
    `engine events taken in onto the bus (median of runs): ${Math.round(median(intakes))}/s  (target >= 50,000: ${median(intakes) >= 50_000 ? "met" : "NOT met"}); to an SSE client ${Math.round(median(deliveries))}/s`,
  );
}

if (!a.only || a.only === "latency") {
  const p99s: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const g = await generator(["--mode", "latency", "--rate", String(a.rate), "--duration", String(a.duration)]);
    p99s.push(g.p99!);
    say(
      `  latency run ${r} (${g.rate}/s): n=${g.received} lost ${g.lost} p50 ${f2(g.p50!)} p90 ${f2(g.p90!)} p99 ${f2(g.p99!)} max ${f2(g.max!)} ms`,
    );
  }
  results.push(
    `engine publish -> SSE client p99 at ${a.rate}/s (median of runs): ${f2(median(p99s))} ms  (target <= 5: ${median(p99s) <= 5 ? "met" : "NOT met"})`,
  );
}

say("");
for (const line of results) say(line);
await tw.stop();
redisProc.kill();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
