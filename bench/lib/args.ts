// Command-line options of the latency benchmark, with their defaults and the help text.

import { parseArgs } from "node:util";
import type { Transport } from "./endpoint.ts";
import { TRANSPORTS } from "./endpoint.ts";

export type Scenario = { clients: number; rate: number };
export const DEFAULT_SCENARIOS: Scenario[] = [
  { clients: 1, rate: 100 },
  { clients: 100, rate: 1000 },
  { clients: 1000, rate: 100 },
  { clients: 1000, rate: 1000 },
];
export const TARGET_NAMES = ["tradewire", "python", "nchan"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export type Options = {
  scenarios: Scenario[];
  transports: Transport[];
  targets: TargetName[];
  durationS: number;
  warmupS: number;
  drainS: number;
  /** Unmeasured events published to each server after it starts (JIT tiers, caches), 0: none. */
  serverWarmup: number;
  runs: number;
  idle: number;
  idleHoldS: number;
  url: string | null;
  password: string;
  pid: number | null;
  out: string;
  pin: boolean;
  /** Extra environment for the tradewire server (e.g. STREAM_COALESCE_MS=0). */
  env: Record<string, string>;
  /** Run tradewire as the compiled binary (npm run build: dist/tradewire) instead of bun src/main.ts. */
  compiled: boolean;
};

export const HELP = `bench/latency.ts - end-to-end latency of tradewire's event stream vs the anchors

  --clients N          subscribers (with --rate: one scenario instead of the default four)
  --rate R             events published per second
  --scenarios LIST     e.g. "1x100,100x1000,1000x100,1000x1000" (the default)
  --transport LIST     sse,ws,poll (default all; the anchors only have sse)
  --target LIST        tradewire,python,nchan (default all)
  --duration S         measured seconds per run (default 10)
  --warmup S           publishing before measuring (default 2)
  --drain S            longest wait for late events after publishing stops (default 3)
  --server-warmup N    unmeasured events (one SSE client, 2,000/s) each server gets after it starts,
                       so the first scenario does not measure a cold JIT (default 3000; 0: none)
  --runs N             runs per scenario and transport (default 3)
  --idle N             instead: N idle SSE clients, server RSS before/after (target <= 100 MB)
  --idle-hold S        how long the idle clients are held (default 12)
  --url URL            use a tradewire already running there (loopback only); needs --password
  --password PW        admin password for --url
  --pid PID            server pid for CPU figures with --url
  --out FILE           JSON results (default bench/results/latest.json)
  --env KEY=VALUE      extra environment for the tradewire server (repeatable), e.g. STREAM_COALESCE_MS=0;
                       it starts as a pure stream server like the anchors (OKX_ENABLED=false
                       CLICKHOUSE_ENABLED=false) unless --env says otherwise
  --compiled           run tradewire as the shipped binary (npm run build, dist/tradewire; what
                       the Dockerfile runs) instead of bun src/main.ts
  --no-pin             do not pin (generator on core 1, servers on core 0)
`;

function list<T extends string>(v: string | undefined, allowed: readonly T[], what: string): T[] | null {
  if (v === undefined) return null;
  const xs = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const x of xs)
    if (!allowed.includes(x as T)) throw new Error(`--${what}: unknown "${x}" (one of ${allowed.join(",")})`);
  return xs as T[];
}

function num(v: string | undefined, def: number, what: string, min = 0): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${what}: "${v}" is not a number >= ${min}`);
  return n;
}

export function parseOptions(argv: string[], defaultOut: string): Options | "help" {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: "string" },
      rate: { type: "string" },
      scenarios: { type: "string" },
      transport: { type: "string" },
      target: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      drain: { type: "string" },
      "server-warmup": { type: "string" },
      runs: { type: "string" },
      idle: { type: "string" },
      "idle-hold": { type: "string" },
      url: { type: "string" },
      password: { type: "string" },
      pid: { type: "string" },
      out: { type: "string" },
      "no-pin": { type: "boolean" },
      compiled: { type: "boolean" },
      env: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (v.help) return "help";
  let scenarios = DEFAULT_SCENARIOS;
  if (v.scenarios !== undefined) {
    scenarios = v.scenarios.split(",").map((s) => {
      const m = /^\s*(\d+)x(\d+)\s*$/.exec(s);
      if (!m) throw new Error(`--scenarios: "${s}" is not CxR (e.g. 100x1000)`);
      return { clients: Number(m[1]), rate: Number(m[2]) };
    });
  }
  if (v.clients !== undefined || v.rate !== undefined) {
    scenarios = [{ clients: num(v.clients, 100, "clients", 1), rate: num(v.rate, 1000, "rate", 1) }];
  }
  const url = v.url ?? null;
  if (url !== null && v.password === undefined && process.env.ADMIN_PASSWORD === undefined) {
    throw new Error("--url needs --password (or ADMIN_PASSWORD in the environment)");
  }
  // A pure stream server, like the anchors: no exchange feed, no embedded ClickHouse (--env to change).
  const env: Record<string, string> = { OKX_ENABLED: "false", CLICKHOUSE_ENABLED: "false" };
  for (const kv of v.env ?? []) {
    const i = kv.indexOf("=");
    if (i <= 0) throw new Error(`--env: "${kv}" is not KEY=VALUE`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return {
    env,
    scenarios,
    transports: list(v.transport, TRANSPORTS, "transport") ?? [...TRANSPORTS],
    targets: list(v.target, TARGET_NAMES, "target") ?? [...TARGET_NAMES],
    durationS: num(v.duration, 10, "duration", 0.1),
    warmupS: num(v.warmup, 2, "warmup", 0),
    drainS: num(v.drain, 3, "drain", 0.1),
    serverWarmup: Math.floor(num(v["server-warmup"], 3000, "server-warmup", 0)),
    runs: Math.floor(num(v.runs, 3, "runs", 1)),
    idle: Math.floor(num(v.idle, 0, "idle", 0)),
    idleHoldS: num(v["idle-hold"], 12, "idle-hold", 0),
    url,
    password: v.password ?? process.env.ADMIN_PASSWORD ?? "",
    pid: v.pid === undefined ? null : Math.floor(num(v.pid, 0, "pid", 1)),
    out: v.out ?? defaultOut,
    pin: !v["no-pin"],
    compiled: Boolean(v.compiled),
  };
}
