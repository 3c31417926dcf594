// Launcher for tradewire itself (bun src/main.ts, pinned to core 0, with the runtime settings of
// `npm start`), or a URL it already runs at.

import { join, resolve } from "node:path";
import { startEnv } from "../../scripts/start-env.ts";
import type { Endpoint, Server, Transport } from "./endpoint.ts";
import { freePort } from "./proc.ts";
import { killGently, onExitStop, removeDir, SERVER_CORE, spawnPinned, tail, tempDir, waitHttp } from "./servers.ts";

export const REPO = resolve(import.meta.dir, "../..");
const CHANNEL = "bench";

async function login(base: string, password: string): Promise<string> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  const body = await r.text();
  if (r.status !== 200) throw new Error(`login: HTTP ${r.status} ${body.slice(0, 200)}`);
  const token = (JSON.parse(body) as { accessToken?: string }).accessToken;
  if (!token) throw new Error(`login: no accessToken in ${body.slice(0, 200)}`);
  return token;
}

function endpoint(
  host: string,
  port: number,
  pid: number | null,
  token: string,
  info: Record<string, unknown>,
): Endpoint {
  const transports: Transport[] = ["sse", "ws", "poll"];
  return {
    name: "tradewire",
    host,
    port,
    pid,
    transports,
    headers: { Authorization: `Bearer ${token}` },
    sse: { path: `/api/events/stream?channels=${CHANNEL}`, headers: {} },
    // channels= on the URL as well: without it the socket starts subscribed to everything ("*")
    ws: {
      path: `/api/events/ws?channels=${CHANNEL}`,
      subscribe: JSON.stringify({ op: "subscribe", channels: [CHANNEL] }),
    },
    poll: {
      // the first poll has no cursor: ask for an immediate answer, whose "next" is where we start
      path: (after) =>
        after === null
          ? `/api/events/poll?channels=${CHANNEL}&wait=0`
          : `/api/events/poll?channels=${CHANNEL}&after=${encodeURIComponent(after)}&wait=25000`,
    },
    publish: { path: "/api/events", wrap: (d) => `{"type":"tick","channel":"${CHANNEL}","data":${d}}` },
    info,
  };
}

/** Lines of /metrics about the event stream (drops, overruns, clients), for the JSON report. */
async function streamMetrics(base: string, token: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${base}/metrics`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(3000),
  });
  if (r.status !== 200) return { metrics: `HTTP ${r.status}` };
  const out: Record<string, number> = {};
  for (const line of (await r.text()).split("\n")) {
    if (line.startsWith("#") || !/(stream|client|drop|overrun|reset|lag|sse|ws|poll|publish|bus)/i.test(line)) continue;
    if (/_bucket\{/.test(line)) continue;
    const sp = line.lastIndexOf(" ");
    const v = Number(line.slice(sp + 1));
    if (sp > 0 && Number.isFinite(v)) out[line.slice(0, sp)] = v;
  }
  return out;
}

/** Builds the compiled binary (npm run build) and returns its path. */
function buildBinary(): string {
  const r = Bun.spawnSync(["npm", "run", "--silent", "build"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`npm run build failed:\n${r.stderr.toString().slice(-2000)}`);
  return join(REPO, "dist", "tradewire");
}

/**
 * Starts tradewire from this repo on a free port with a throwaway data dir, as `npm start` does
 * (its runtime settings in the environment; `extraEnv` may override them).
 */
export async function startTradewire(extraEnv: Record<string, string> = {}, compiled = false): Promise<Server> {
  const dir = tempDir("tradewire");
  const port = freePort();
  const password = `bench-${crypto.randomUUID()}`;
  const logFile = join(dir, "server.log");
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    ADMIN_PASSWORD: password,
    LOG_LEVEL: "warn",
    DATA_DIR: join(dir, "data"),
    ACCESS_TOKEN_TTL_S: "86400",
    ...startEnv(),
    MAX_STREAMS_PER_USER: "0", // the load generator is one user with up to 10,000 streams
    ...extraEnv,
  };
  const proc = spawnPinned(compiled ? [buildBinary()] : [process.execPath, "src/main.ts"], REPO, env, logFile);
  const unhook = onExitStop("tradewire", () => proc.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  let token: string;
  try {
    await waitHttp(`${base}/health`, 200, 90000, () => proc.exitCode === null);
    token = await login(base, password);
  } catch (e) {
    proc.kill("SIGKILL");
    unhook();
    const log = await tail(logFile);
    removeDir(dir);
    throw new Error(`tradewire did not start: ${String(e)}\n${log}`);
  }
  const commit = Bun.spawnSync(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
  const dirty = Bun.spawnSync(["git", "-C", REPO, "status", "--porcelain", "src"]).stdout.toString().trim() !== "";
  const info = {
    commit: dirty ? `${commit}+uncommitted src changes` : commit,
    bun: Bun.version,
    core: SERVER_CORE,
    form: compiled ? "compiled binary (dist/tradewire)" : "bun src/main.ts",
    env: { ...startEnv(), ...extraEnv },
  };
  return {
    endpoint: endpoint("127.0.0.1", port, proc.pid, token, info),
    stats: () => streamMetrics(base, token),
    async stop() {
      await killGently(proc.pid);
      unhook();
      const log = await tail(logFile, 30);
      if (/error|panic|uncaught/i.test(log)) console.error(`tradewire log tail (warnings/errors):\n${log}`);
      removeDir(dir);
    },
  };
}

/** A tradewire already running at `url` (not started or stopped by the bench). */
export async function attachTradewire(url: string, password: string, pid: number | null): Promise<Server> {
  const u = new URL(url);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) {
    throw new Error(`--url must point at this machine's loopback (127.0.0.0/8, localhost, [::1]), not ${u.hostname}`);
  }
  const base = `${u.protocol}//${u.host}`;
  await waitHttp(`${base}/health`, 200, 10000);
  const token = await login(base, password);
  const port = Number(u.port || 80);
  return {
    endpoint: endpoint(u.hostname, port, pid, token, { url: base }),
    stats: () => streamMetrics(base, token),
    async stop() {},
  };
}
