// Engine test helpers: the Python reference engine as a subprocess, and a direct Redis client
// for writing what a misbehaving engine would.
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import type { CommandRecord } from "../src/services/commands.ts";
import type { TestServer } from "./helpers.ts";
import { eventually } from "./helpers.ts";

export const ENGINE_SCRIPT = join(resolve(import.meta.dir, ".."), "engine/reference/tradewire_engine.py");
const PYTHON = "/usr/bin/python3";

export interface RefEngine {
  proc: Subprocess;
  /** stderr so far (its log). */
  log(): string;
  /** SIGTERM: it says bye and exits. */
  stop(): Promise<void>;
  /** SIGKILL: it goes silent. */
  kill(): Promise<void>;
}

/** Starts the reference engine against `redisUrl` (heartbeat 100 ms by default). */
export function startRefEngine(redisUrl: string, args: string[] = []): RefEngine {
  const proc = Bun.spawn(
    [PYTHON, ENGINE_SCRIPT, "--redis", redisUrl, "--heartbeat-ms", "100", "--tick-ms", "50", "--seed", "7", ...args],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let text = "";
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) text += dec.decode(chunk);
  })();
  return {
    proc,
    log: () => text,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
    kill: async () => {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Waits until the server's bridge sees the engine in `state`. */
export async function engineState(
  s: TestServer,
  engineId: string,
  state: "up" | "silent" | "stopped",
  ms = 8000,
): Promise<void> {
  await eventually(() => s.engines?.state(engineId) === state, ms);
}

/** Runs a command and waits for it to finish. */
export async function runToEnd(
  s: TestServer,
  by: string,
  cmd: Parameters<TestServer["commands"]["run"]>[1],
): Promise<CommandRecord> {
  const rec = await s.commands.run(by, cmd);
  const done = await s.commands.settled(rec.id, 15_000);
  if (!done) throw new Error(`command ${rec.id} vanished`);
  return done;
}
