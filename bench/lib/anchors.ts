// Launchers for the two anchors tradewire is measured against: the original Python design and nginx+nchan.
//
// Each runs from a copy of the anchors folder (`../shared/anchors` beside the repository, or
// TRADEWIRE_ANCHORS) in a temp dir (the shared folder is read-only),
// on a free port, pinned to the server core. Missing Debian packages are installed with
// apt-get when running as root; otherwise the anchor is skipped with a reason.

import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Server } from "./endpoint.ts";
import { freePort, sleep } from "./proc.ts";
import {
  killGently,
  onExitStop,
  pidAlive,
  removeDir,
  SERVER_CORE,
  spawnPinned,
  tail,
  tempDir,
  waitHttp,
} from "./servers.ts";

export const ANCHORS_DIR = process.env.TRADEWIRE_ANCHORS ?? resolve(import.meta.dir, "../../../shared/anchors");
const PYTHON = "/usr/bin/python3";
const NCHAN_MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so";
const NGINX = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

const PACKAGES = {
  python: ["python3-fastapi", "python3-uvicorn"],
  nchan: ["nginx", "libnginx-mod-nchan"],
} as const;
export type AnchorName = keyof typeof PACKAGES;

function installed(which: AnchorName): boolean {
  if (which === "python") {
    return existsSync(PYTHON) && Bun.spawnSync([PYTHON, "-c", "import fastapi, uvicorn"]).exitCode === 0;
  }
  return existsSync(NCHAN_MODULE) && Bun.spawnSync(["sh", "-c", `command -v ${NGINX}`]).exitCode === 0;
}

/** Makes sure an anchor can run; returns null when it can, or the reason to skip it. */
export function ensureAnchor(which: AnchorName, log: (s: string) => void): string | null {
  if (!existsSync(ANCHORS_DIR)) return `anchors folder ${ANCHORS_DIR} not found`;
  if (installed(which)) return null;
  const pkgs = PACKAGES[which];
  if (process.getuid?.() !== 0) {
    return `packages missing (${pkgs.join(" ")}); not root, so not installing them`;
  }
  log(`${which}: packages missing, installing with apt-get as root: ${pkgs.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = Bun.spawnSync(["apt-get", "install", "-y", ...pkgs], { env, stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) {
    Bun.spawnSync(["apt-get", "update"], { env, stdout: "ignore", stderr: "ignore" });
    r = Bun.spawnSync(["apt-get", "install", "-y", ...pkgs], { env, stdout: "ignore", stderr: "pipe" });
  }
  if (r.exitCode !== 0 || !installed(which)) {
    return `apt-get install ${pkgs.join(" ")} failed: ${r.stderr.toString().trim().split("\n").pop() ?? ""}`;
  }
  return null;
}

/** The original Python design (FastAPI + uvicorn), as in anchors/seed_sse.py. */
export async function startPython(): Promise<Server> {
  const dir = tempDir("python");
  cpSync(ANCHORS_DIR, dir, { recursive: true });
  const port = freePort();
  const logFile = join(dir, "server.log");
  const cmd = [
    PYTHON,
    "-m",
    "uvicorn",
    "seed_sse:app",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--no-access-log",
  ];
  const proc = spawnPinned(cmd, dir, {}, logFile);
  const unhook = onExitStop("python", () => proc.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHttp(`${base}/info`, 200, 30000, () => proc.exitCode === null);
  } catch (e) {
    proc.kill("SIGKILL");
    unhook();
    throw new Error(`python anchor did not start: ${String(e)}\n${await tail(logFile)}`);
  }
  const info = (await (await fetch(`${base}/info`)).json()) as Record<string, unknown>;
  return {
    endpoint: {
      name: "python",
      host: "127.0.0.1",
      port,
      pid: proc.pid,
      transports: ["sse"],
      headers: {},
      sse: { path: "/stream", headers: {} },
      publish: { path: "/publish", wrap: (d) => d },
      info: { ...info, cmd: cmd.join(" "), core: SERVER_CORE },
    },
    async stats() {
      const r = await fetch(`${base}/info`, { signal: AbortSignal.timeout(2000) });
      const j = (await r.json()) as Record<string, unknown>;
      return { subscribers: j.subscribers, dropped_total: j.dropped_total };
    },
    async stop() {
      await killGently(proc.pid);
      unhook();
      removeDir(dir);
    },
  };
}

/** nginx + nchan, from a copy of anchors/nchan.conf with the port rewritten. Never the system nginx. */
export async function startNchan(): Promise<Server> {
  const dir = tempDir("nchan");
  cpSync(ANCHORS_DIR, dir, { recursive: true });
  const port = freePort();
  const conf = join(dir, "nchan.conf");
  const text = readFileSync(conf, "utf8").replace(/listen\s+127\.0\.0\.1:\d+/, `listen 127.0.0.1:${port}`);
  if (!text.includes(`127.0.0.1:${port}`)) throw new Error("nchan.conf: no `listen 127.0.0.1:<port>` to rewrite");
  writeFileSync(conf, text);
  const prefix = `${join(dir, "run")}/`;
  mkdirSync(join(prefix, "tmp"), { recursive: true });
  const args = ["-c", conf, "-p", prefix];
  const r = Bun.spawnSync(["taskset", "-c", SERVER_CORE, NGINX, ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) {
    removeDir(dir);
    throw new Error(`nginx did not start: ${r.stderr.toString().trim()}`);
  }
  const stopSync = () => Bun.spawnSync([NGINX, ...args, "-s", "stop"], { stdout: "ignore", stderr: "ignore" });
  const unhook = onExitStop("nchan", stopSync);
  const pidFile = join(prefix, "nginx.pid");
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(50);
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHttp(`${base}/pub`, null, 15000);
  } catch (e) {
    stopSync();
    unhook();
    throw new Error(`nchan anchor not answering: ${String(e)}\n${await tail(join(prefix, "error.log"))}`);
  }
  const version = Bun.spawnSync([NGINX, "-v"]).stderr.toString().trim();
  return {
    endpoint: {
      name: "nchan",
      host: "127.0.0.1",
      port,
      pid,
      transports: ["sse"],
      headers: {},
      sse: { path: "/sub", headers: {} },
      publish: { path: "/pub", wrap: (d) => d },
      info: { nginx: version, cmd: `nginx ${args.join(" ")}`, core: SERVER_CORE },
    },
    async stats() {
      const res = await fetch(`${base}/pub`, { headers: { Accept: "application/json" } });
      const body = await res.text();
      try {
        return JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { status: res.status };
      }
    },
    async stop() {
      stopSync();
      for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(50);
      if (pidAlive(pid)) Bun.spawnSync(["kill", "-9", String(pid)]);
      unhook();
      removeDir(dir);
    },
  };
}
