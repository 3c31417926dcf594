// bench/engine.ts - the external engine bridge over Redis Streams, three figures:
//   1. command round trip: command service -> Redis -> the Python reference engine -> result
//      visible in the command's record (commands.run + settled), p50/p99 per run (target p99 <= 5 ms)
//   2. engine events taken in: a Bun/ioredis writer floods tw:engine:events (the Python engine is
//      far too slow to write 50,000/s), tradewire's intake per second (target >= 50,000/s)
//   3. engine publish -> SSE client at 1,000 events/s, p50/p99 per run (target p99 <= 5 ms)
// tradewire runs in this process (so the command service is called directly; there is no REST
// route on this branch yet); the writer + SSE client of 2 and 3 run in a child on one clock.
//   bun bench/engine.ts [--runs 3] [--commands 1000] [--count 200000] [--rate 1000] [--duration 5]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "bun";
import { loadConfig } from "../src/config.ts";
import { startServer } from "../src/server.ts";
import { Histogram, median } from "./lib/hist.ts";
import { freePort, sleep } from "./lib/proc.ts";

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
const REPO = resolve(import.meta.dir, "..");
const runs = Number(a.runs);
const PASSWORD = "bench-engine-password";
const say = (s: string) => console.log(s);
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

// --- Redis and tradewire ---------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), "tradewire-bench-engine-"));
const redisPort = freePort();
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const redisProc = spawn(
  [
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

const config = loadConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  OKX_ENABLED: "false",
  CLICKHOUSE_ENABLED: "false",
  REDIS_URL: redisUrl,
  ADMIN_PASSWORD: PASSWORD,
  DATA_DIR: dir,
  BUS_BYTES: String(32 << 20),
  // One writer stands in for an engine at 50,000 events/s: its byte budget is lifted (the default
  // would refuse most of them as over_budget), up to a quarter of the ring at once.
  PUBLISH_BYTES_PER_S: String(1 << 30),
  PUBLISH_BURST_BYTES: String(8 << 20),
});
const tw = await startServer(config);
const login = await fetch(`${tw.url}/api/auth/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ username: "admin", password: PASSWORD }),
});
const token = ((await login.json()) as { accessToken: string }).accessToken;
say(`tradewire ${tw.url} (in this process), redis ${redisUrl}, ${runs} runs each`);
const results: string[] = [];

// --- 1. command round trip -------------------------------------------------------------------
if (!a.only || a.only === "commands") {
  const py = spawn(
    [
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
  while (tw.engines?.state("ref-1") !== "up") await sleep(20);
  const once = async () => {
    const t0 = performance.now();
    const rec = await tw.commands.run("admin", { type: "engine", engineId: "ref-1", name: "ping" });
    const end = await tw.commands.settled(rec.id);
    if (end?.status !== "done") throw new Error(`command ${rec.id} ended ${end?.status}`);
    return performance.now() - t0;
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
    `command round trip p99 (median of runs): ${f2(median(p99s))} ms  (target <= 5: ${median(p99s) <= 5 ? "met" : "NOT met"})`,
  );
  py.kill("SIGTERM");
  await py.exited;
}

// --- 2 and 3: engine events ------------------------------------------------------------------
async function generator(args: string[]): Promise<Record<string, number>> {
  const g = spawn(
    [
      "bun",
      join(import.meta.dir, "engine/generator.ts"),
      "--redis",
      redisUrl,
      "--base",
      tw.url,
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

if (!a.only || a.only === "ingest") {
  const rates: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const count = Number(a.count);
    const h0 = tw.producer.head();
    let first = 0;
    let last = 0;
    const watch = setInterval(() => {
      const n = tw.producer.head() - h0;
      const t = performance.now();
      if (n > 0 && first === 0) first = t;
      if (n >= count && last === 0) last = t;
    }, 2);
    const g = await generator(["--mode", "flood", "--count", String(count)]);
    clearInterval(watch);
    const ingested = tw.producer.head() - h0;
    const rate = last > first ? Math.round(count / ((last - first) / 1000)) : Number.NaN;
    rates.push(rate);
    say(
      `  ingest run ${r}: written ${g.writtenPerS}/s; tradewire took in ${ingested} of ${count} at ${rate}/s; delivered to the SSE client ${g.delivered}`,
    );
    await sleep(500);
  }
  results.push(
    `engine events taken in (median of runs): ${Math.round(median(rates))}/s  (target >= 50,000: ${median(rates) >= 50_000 ? "met" : "NOT met"})`,
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
