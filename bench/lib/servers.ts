// Starting and stopping servers under test: pinned to core 0, logs kept, always stopped on exit.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnv } from "../../scripts/start-env.ts";
import { sleep } from "./proc.ts";

export const SERVER_CORE = "0";
export const GENERATOR_CORE = "1";

type Stopper = { name: string; syncStop(): void };
const live = new Set<Stopper>();

/** Registers a last-resort stop (Ctrl-C, crash, normal exit); returns the unregister function. */
export function onExitStop(name: string, syncStop: () => void): () => void {
  const s: Stopper = { name, syncStop };
  live.add(s);
  return () => live.delete(s);
}

function stopAll(): void {
  for (const s of live) {
    try {
      s.syncStop();
    } catch {
      // best effort while exiting
    }
  }
  live.clear();
}

let hooked = false;
export function installExitHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", stopAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping servers`);
      stopAll();
      process.exit(130);
    });
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tradewire-bench-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Spawns a server pinned to the server core; output goes to `logFile`. */
export function spawnPinned(cmd: string[], cwd: string, env: Record<string, string>, logFile: string) {
  // The runtime settings of this process (bench/okx.ts gives them to itself and the simulator)
  // are not passed on: a server under test gets them only from `env` (tradewire: those of npm start).
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(startEnv())) delete inherited[k];
  return Bun.spawn(["taskset", "-c", SERVER_CORE, ...cmd], {
    cwd,
    env: { ...inherited, ...env },
    stdin: "ignore",
    stdout: Bun.file(logFile),
    stderr: Bun.file(logFile),
  });
}

/** Polls `url` until it answers with `status` (any status when null); throws after `timeoutMs`. */
export async function waitHttp(url: string, status: number | null, timeoutMs: number, alive?: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (alive && !alive()) throw new Error(`server exited while waiting for ${url}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (status === null || r.status === status) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = String(e);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** True while the process exists and is not a zombie (nginx's master is reparented, maybe never reaped). */
export function pidAlive(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "latin1");
    return s[s.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. */
export async function killGently(pid: number, graceMs = 5000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pidAlive(pid)) await sleep(50);
  if (pidAlive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Last lines of a log file, for error messages. */
export async function tail(file: string, lines = 15): Promise<string> {
  try {
    const t = await Bun.file(file).text();
    return t.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
